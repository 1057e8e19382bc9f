using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigie.Core;
using Vigie.Ingestion.Protocols;
using Vigie.Ingestion.Seq;

namespace Vigie.Server.Endpoints.Protocols;

/// <summary>
/// Seq's ingestion API: <c>POST /api/events/raw</c> (CLEF with <c>?clef</c> or the CLEF media type,
/// else the <c>{"Events":[...]}</c> body) and <c>POST /ingest/clef</c>. API keys come in the
/// <c>X-Seq-ApiKey</c> header or the <c>apiKey</c> parameter as Seq's clients send them; answers 201 with the minimum level Serilog's sink reads.
/// </summary>
internal static class SeqEndpoints
{
    public const string Listener = "seq";

    private const string DefaultStreams = "service,host";

    public static void Map(WebApplication app, ListenerSetting setting)
    {
        var streams = ProtocolIngest.Streams(setting, DefaultStreams);
        app.MapPost("/api/events/raw", http => IngestAsync(http, ProtocolIngest.Of(http), streams, clef: false));
        app.MapPost("/ingest/clef", http => IngestAsync(http, ProtocolIngest.Of(http), streams, clef: true));
        // Seq clients probe the server root of the API before sending.
        app.MapGet("/api", http => Results.Json(new { Product = "Vigie", Version = "2025.1.0" }).ExecuteAsync(http));
    }

    private static async Task IngestAsync(HttpContext http, ProtocolIngest ingest, StreamFields streams, bool clef)
    {
        using var body = await ingest.ReadBodyAsync(http, Listener, ProtocolIngest.FailJson).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }
        clef = clef
            || http.Request.Query.ContainsKey("clef")
            || (http.Request.ContentType ?? "").Contains("application/vnd.serilog.clef", StringComparison.OrdinalIgnoreCase)
            || !ClefDecoder.IsRawEventsBody(body.Span);
        var decoder = new ClefDecoder(streams, Timestamps.Now());
        var batch = ProtocolIngest.NewBatch(body.Length);
        var report = new DecodeReport();
        try
        {
            if (clef)
            {
                decoder.DecodeClef(body.Span, batch, report);
            }
            else
            {
                decoder.DecodeRawEvents(body.Span, batch, report);
            }
        }
        catch (MalformedBodyException e)
        {
            await ingest.RejectBodyAsync(http, Listener, e.Message, ProtocolIngest.FailJson).ConfigureAwait(false);
            return;
        }
        if (!await ingest.StoreAsync(http, Listener, batch, report, ProtocolIngest.FailJson).ConfigureAwait(false))
        {
            return;
        }
        if (report.Rejected > 0 && report.Accepted == 0)
        {
            await ProtocolIngest.FailJson(http, StatusCodes.Status400BadRequest, $"{report.Rejected} events rejected; first: {report.FirstError}").ConfigureAwait(false);
            return;
        }
        http.Response.StatusCode = StatusCodes.Status201Created;
        http.Response.ContentType = "application/json";
        // Seq's own casing: Serilog's sink reads MinimumLevelAccepted to raise its level when told.
        await using var writer = new System.Text.Json.Utf8JsonWriter(http.Response.Body);
        writer.WriteStartObject();
        writer.WriteNull("MinimumLevelAccepted");
        if (report.Rejected > 0)
        {
            writer.WriteString("Error", $"{report.Rejected} events rejected; first: {report.FirstError}");
        }
        writer.WriteEndObject();
        await writer.FlushAsync().ConfigureAwait(false);
    }
}
