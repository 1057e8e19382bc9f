using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigie.Core;
using Vigie.Ingestion.Otlp;
using Vigie.Ingestion.Otlp.Proto;
using Vigie.Ingestion.Protocols;

namespace Vigie.Server.Endpoints.Protocols;

/// <summary>
/// <c>POST /v1/logs</c>: OTLP/HTTP, protobuf or JSON (by <c>Content-Type</c>), gzip or not. Answers an
/// <c>ExportLogsServiceResponse</c> in the request's encoding once durable.
/// </summary>
internal static class OtlpHttpEndpoints
{
    public const string Listener = "otlp-http";

    public const string DefaultStreams = "service,host";

    public static void Map(WebApplication app, ListenerSetting setting)
    {
        var streams = ProtocolIngest.Streams(setting, DefaultStreams);
        app.MapPost("/v1/logs", http => ExportAsync(http, ProtocolIngest.Of(http), streams));
    }

    private static async Task ExportAsync(HttpContext http, ProtocolIngest ingest, StreamFields streams)
    {
        using var body = await ingest.ReadBodyAsync(http, Listener, ProtocolIngest.FailJson).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }
        var isJson = (http.Request.ContentType ?? "").Contains("json", StringComparison.OrdinalIgnoreCase);
        var batch = ProtocolIngest.NewBatch(body.Length * 2);
        var report = new DecodeReport();
        try
        {
            OtlpLogsDecoder.Decode(body.Memory, isJson, batch, streams, Timestamps.Now(), report);
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
        var response = new ExportLogsServiceResponse();
        if (isJson)
        {
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(JsonFormatter.Default.Format(response)).ConfigureAwait(false);
        }
        else
        {
            http.Response.ContentType = "application/x-protobuf";
            await http.Response.Body.WriteAsync(response.ToByteArray()).ConfigureAwait(false);
        }
    }
}
