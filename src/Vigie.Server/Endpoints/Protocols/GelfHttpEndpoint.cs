using Microsoft.AspNetCore.Http;
using Vigie.Core;
using Vigie.Ingestion;
using Vigie.Ingestion.Gelf;
using Vigie.Ingestion.Listeners;
using Vigie.Ingestion.Service;
using Vigie.Server.Protocols;
using Vigie.Storage;

namespace Vigie.Server.Endpoints.Protocols;

/// <summary>
/// <c>POST /gelf</c>: one GELF message per request (as Graylog's GELF HTTP input), plain or compressed
/// (<c>Content-Encoding</c> or a gzip/zlib body); 202 once it is durable.
/// </summary>
internal sealed class GelfHttpEndpoint(ProtocolIngest protocol, IngestionService ingestion, ServerOptions options)
{
    public const string Listener = "gelf-http";

    private readonly StreamFields _streams = ProtocolStreams.For(options.Listeners.GelfHttp, ProtocolStreams.Gelf);

    public async Task HandleAsync(HttpContext http)
    {
        using var body = await protocol.ReadBodyAsync(http, Listener, static (h, status, message) => ErrorAnswer.WriteAsync(h, status, message), SocketListeners.MaxGelfBytes).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }
        var target = new DecodeTarget(_streams) { RemoteHost = http.Connection.RemoteIpAddress?.ToString(), Batch = new EventBatch(1, 16, body.Length + 64) };
        GelfDatagramDecoder.DecodePayload(body.Segment, SocketListeners.MaxGelfBytes, target);
        var (rejected, reason) = target.TakeRejections();
        if (rejected > 0)
        {
            ingestion.Reject(Listener, rejected, reason ?? "invalid GELF message");
            await ErrorAnswer.WriteAsync(http, StatusCodes.Status400BadRequest, reason ?? "invalid GELF message").ConfigureAwait(false);
            return;
        }
        try
        {
            await ingestion.StoreAsync(target.Batch, Listener, http.RequestAborted).ConfigureAwait(false);
        }
        catch (StorageFullException e)
        {
            http.Response.Headers.RetryAfter = "5";
            await ErrorAnswer.WriteAsync(http, StatusCodes.Status503ServiceUnavailable, e.Message).ConfigureAwait(false);
            return;
        }
        http.Response.StatusCode = StatusCodes.Status202Accepted;
    }
}
