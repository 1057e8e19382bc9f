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
internal sealed class GelfHttpEndpoint(IngestionService ingestion, ServerOptions options)
{
    public const string Listener = "gelf-http";

    private readonly StreamFields _streams = ProtocolStreams.For(options.Listeners.GelfHttp, ProtocolStreams.Gelf);

    public async Task HandleAsync(HttpContext http)
    {
        var counters = ingestion.Metrics.For(Listener);
        Interlocked.Increment(ref counters.Connections);
        ArraySegment<byte> body;
        try
        {
            body = await WholeRequestBody.ReadAsync(http, SocketListeners.MaxGelfBytes).ConfigureAwait(false);
        }
        catch (BodyTooLargeException e)
        {
            ingestion.Reject(Listener, 1, e.Message);
            await ErrorAnswer.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, e.Message).ConfigureAwait(false);
            return;
        }
        catch (UnsupportedContentEncodingException e)
        {
            await ErrorAnswer.WriteAsync(http, StatusCodes.Status415UnsupportedMediaType, e.Message).ConfigureAwait(false);
            return;
        }
        catch (InvalidDataException e)
        {
            ingestion.Reject(Listener, 1, "body does not decompress: " + e.Message);
            await ErrorAnswer.WriteAsync(http, StatusCodes.Status400BadRequest, "the request body could not be decompressed: " + e.Message).ConfigureAwait(false);
            return;
        }
        Interlocked.Add(ref counters.Bytes, body.Count);
        var target = new DecodeTarget(_streams) { RemoteHost = http.Connection.RemoteIpAddress?.ToString(), Batch = new EventBatch(1, 16, body.Count + 64) };
        GelfDatagramDecoder.DecodePayload(body, SocketListeners.MaxGelfBytes, target);
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
