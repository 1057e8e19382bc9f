using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigie.Core;
using Vigie.Ingestion.Protocols;
using Vigie.Ingestion.Seq;
using Vigie.Ingestion.Service;
using Vigie.Server.Security;

namespace Vigie.Server.Endpoints.Protocols;

/// <summary>
/// Seq's ingestion API: <c>POST /api/events/raw</c> (CLEF with <c>?clef</c> or the CLEF media type,
/// else the <c>{"Events":[...]}</c> body) and <c>POST /ingest/clef</c>. The <c>X-Seq-ApiKey</c> header
/// is accepted; answers 201 with the minimum level Serilog's sink reads.
/// </summary>
internal static class SeqEndpoints
{
    public const string Listener = "seq";

    private const string DefaultStreams = "service,host";

    public static void Map(WebApplication app, ListenerSetting setting)
    {
        var streams = ProtocolIngest.Streams(setting, DefaultStreams);
        app.MapPost("/api/events/raw", (HttpContext http, ProtocolIngest ingest, ApiKeys keys, IngestionService ingestion) => IngestAsync(http, ingest, keys, ingestion, streams, clef: false));
        app.MapPost("/ingest/clef", (HttpContext http, ProtocolIngest ingest, ApiKeys keys, IngestionService ingestion) => IngestAsync(http, ingest, keys, ingestion, streams, clef: true));
        // Seq clients probe the server root of the API before sending.
        app.MapGet("/api", () => Results.Json(new { Product = "Vigie", Version = "2025.1.0" }));
    }

    private static async Task IngestAsync(HttpContext http, ProtocolIngest ingest, ApiKeys keys, IngestionService ingestion, StreamFields streams, bool clef)
    {
        var presented = http.Request.Headers["X-Seq-ApiKey"].ToString() is { Length: > 0 } header ? header : http.Request.Query["apiKey"].ToString();
        if (!keys.Accepts(presented))
        {
            Interlocked.Increment(ref ingestion.Metrics.For(Listener).Unauthorized);
            await ProtocolIngest.FailJson(http, StatusCodes.Status401Unauthorized, presented.Length == 0
                ? "this server requires an API key: send it in the X-Seq-ApiKey header (Serilog.Sinks.Seq: apiKey) or the apiKey query parameter"
                : "the API key is not valid").ConfigureAwait(false);
            return;
        }
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
