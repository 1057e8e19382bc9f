using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigie.Core;
using Vigie.Ingestion.Loki;
using Vigie.Ingestion.Protocols;

namespace Vigie.Server.Endpoints.Protocols;

/// <summary>
/// <c>POST /loki/api/v1/push</c> (protobuf + snappy, or JSON, optionally gzip) and the read-only calls
/// Loki clients make to check the server (<c>/ready</c>, build info). Answers 204 once durable.
/// </summary>
internal static class LokiEndpoints
{
    public const string Listener = "loki";

    public static void Map(WebApplication app, ListenerSetting setting)
    {
        // By default the stream labels are the stream fields, as in Loki.
        var streams = setting.Streams is null ? null : StreamFields.Parse(setting.Streams);
        app.MapPost("/loki/api/v1/push", http => PushAsync(http, ProtocolIngest.Of(http), streams));
        app.MapGet("/ready", http => Results.Text("ready\n").ExecuteAsync(http));
        app.MapGet("/loki/api/v1/status/buildinfo", http => Results.Json(new { version = "3.3.0", revision = "vigie", branch = "vigie", buildUser = "vigie", buildDate = "", goVersion = "" }).ExecuteAsync(http));
    }

    private static async Task PushAsync(HttpContext http, ProtocolIngest ingest, StreamFields? streams)
    {
        using var body = await ingest.ReadBodyAsync(http, Listener, ProtocolIngest.FailJson).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }
        var contentType = http.Request.ContentType ?? "";
        var isJson = contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
            || (!contentType.Contains("protobuf", StringComparison.OrdinalIgnoreCase) && body.Span.TrimStart(" \t\r\n"u8).StartsWith("{"u8));
        var batch = ProtocolIngest.NewBatch(body.Length);
        var report = new DecodeReport();
        try
        {
            if (isJson)
            {
                LokiPushDecoder.DecodeJson(body.Span, batch, streams, Timestamps.Now(), report);
            }
            else
            {
                LokiPushDecoder.DecodeProtobuf(body.Span, ingest.Options.MaxBodyBytes, batch, streams, Timestamps.Now(), report);
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
        if (report.Rejected > 0)
        {
            // Loki answers a partly bad push with 400 and the reason; the good entries are kept.
            await ProtocolIngest.FailJson(http, StatusCodes.Status400BadRequest, $"{report.Rejected} entries rejected, {report.Accepted} stored; first: {report.FirstError}").ConfigureAwait(false);
            return;
        }
        http.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
