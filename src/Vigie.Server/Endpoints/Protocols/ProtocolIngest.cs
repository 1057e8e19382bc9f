using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Core;
using Vigie.Ingestion;
using Vigie.Ingestion.Protocols;
using Vigie.Ingestion.Service;
using Vigie.Server.Observability;
using Vigie.Server.Security;
using Vigie.Storage;

namespace Vigie.Server.Endpoints.Protocols;

/// <summary>
/// What every HTTP protocol adapter does around its decoder: read the body (decompressed, bounded),
/// hand the batch to <see cref="IngestionService"/>, count, and turn the failures every protocol shares
/// into HTTP answers (401, 413, 415, 400, 503 with Retry-After).
/// </summary>
internal sealed class ProtocolIngest(IngestionService ingestion, ServerMetrics metrics, ServerOptions options, ApiKeys apiKeys)
{
    /// <summary>How long a sender should wait after a 503 (storage full).</summary>
    public const string RetryAfterSeconds = "5";

    public IngestionService Ingestion => ingestion;

    /// <summary>The server's one instance, for endpoints mapped as plain request delegates.</summary>
    public static ProtocolIngest Of(HttpContext http) => http.RequestServices.GetRequiredService<ProtocolIngest>();

    public ServerOptions Options => options;

    /// <summary>
    /// Reads the whole body after undoing its <c>Content-Encoding</c>, up to <paramref name="maxBytes"/>
    /// (default <see cref="ServerOptions.MaxBodyBytes"/>), once the sender has shown one of the
    /// server's API keys (unless <paramref name="ownCredentials"/>: the protocol checked its own).
    /// On failure answers the client through <paramref name="fail"/> and returns null.
    /// </summary>
    public async Task<RequestBody?> ReadBodyAsync(HttpContext http, string listener, Func<HttpContext, int, string, Task> fail, long? maxBytes = null, bool ownCredentials = false)
    {
        if (!ownCredentials && !apiKeys.AcceptsRequest(http.Request))
        {
            Interlocked.Increment(ref ingestion.Metrics.For(listener).Unauthorized);
            http.Response.Headers.WWWAuthenticate = "Bearer, Basic realm=\"vigie\"";
            await fail(http, StatusCodes.Status401Unauthorized, ApiKeys.PresentsAny(http.Request)
                ? "the API key is not valid"
                : "this server requires an API key: send it as Authorization: Bearer <key>, as the password of Basic authentication, as an Elasticsearch ApiKey, or in X-Seq-ApiKey").ConfigureAwait(false);
            return null;
        }
        Interlocked.Increment(ref ingestion.Metrics.For(listener).Connections);
        var limit = Math.Min(maxBytes ?? options.MaxBodyBytes, options.MaxBodyBytes);
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(http.Request.ContentLength ?? 64 * 1024, 4096, Math.Min(limit + 1, 64L * 1024 * 1024)));
        var length = 0;
        try
        {
            await using var body = ContentDecoding.Wrap(http.Request.Body, http.Request.Headers.ContentEncoding.ToString());
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        break;
                    }
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, Math.Min(limit + 1, Array.MaxLength)));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(length), http.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                length += read;
                if (length > limit)
                {
                    break;
                }
            }
            if (length > limit)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                ingestion.Reject(listener, 1, $"request body larger than {limit} bytes after decompression");
                await fail(http, StatusCodes.Status413PayloadTooLarge, $"request body is larger than {limit} bytes after decompression; split it into smaller requests").ConfigureAwait(false);
                return null;
            }
            Interlocked.Add(ref ingestion.Metrics.For(listener).Bytes, http.Request.ContentLength ?? length);
            Interlocked.Add(ref metrics.IngestBytes, length);
            return new RequestBody(buffer, length);
        }
        catch (UnsupportedContentEncodingException e)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await fail(http, StatusCodes.Status415UnsupportedMediaType, e.Message).ConfigureAwait(false);
            return null;
        }
        catch (InvalidDataException e)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ingestion.Reject(listener, 1, "body does not decompress: " + e.Message);
            await fail(http, StatusCodes.Status400BadRequest, "the request body could not be decompressed: " + e.Message).ConfigureAwait(false);
            return null;
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ingestion.Reject(listener, 1, e.Message);
            await fail(http, StatusCodes.Status413PayloadTooLarge, e.Message).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>
    /// Counts what the decoder rejected and stores the batch durably. Returns false (after answering
    /// 503 with Retry-After through <paramref name="fail"/>) when the store refuses.
    /// </summary>
    public async Task<bool> StoreAsync(HttpContext http, string listener, EventBatch batch, DecodeReport report, Func<HttpContext, int, string, Task> fail)
    {
        Interlocked.Increment(ref metrics.IngestRequests);
        if (report.Rejected > 0)
        {
            ingestion.Reject(listener, report.Rejected, report.FirstError ?? "rejected");
            Interlocked.Add(ref metrics.IngestEventsRejected, report.Rejected);
        }
        try
        {
            var stored = await ingestion.StoreAsync(batch, listener, http.RequestAborted).ConfigureAwait(false);
            Interlocked.Add(ref metrics.IngestEventsAccepted, stored);
            return true;
        }
        catch (StorageFullException e)
        {
            Interlocked.Increment(ref metrics.IngestRefusedFull);
            http.Response.Headers.RetryAfter = RetryAfterSeconds;
            await fail(http, StatusCodes.Status503ServiceUnavailable, e.Message).ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>A whole request body body is rejected: counts it and answers 400.</summary>
    public async Task RejectBodyAsync(HttpContext http, string listener, string reason, Func<HttpContext, int, string, Task> fail)
    {
        ingestion.Reject(listener, 1, reason);
        Interlocked.Increment(ref metrics.IngestEventsRejected);
        await fail(http, StatusCodes.Status400BadRequest, reason).ConfigureAwait(false);
    }

    /// <summary>The stream fields of a listener: its setting, else the protocol's default.</summary>
    public static StreamFields Streams(ListenerSetting setting, string defaults) => StreamFields.Parse(setting.Streams ?? defaults);

    /// <summary>Plain JSON error answer shared by the protocols without an error format of their own.</summary>
    public static Task FailJson(HttpContext http, int status, string message) => ErrorAnswer.WriteAsync(http, status, message);

    /// <summary>A batch sized for a body of <paramref name="bodyBytes"/> so that it does not regrow while it fills.</summary>
    public static EventBatch NewBatch(int bodyBytes)
    {
        var events = Math.Clamp(bodyBytes / 128, 16, 64 * 1024);
        return new EventBatch(events, events * 12, Math.Clamp(bodyBytes, 4096, 64 * 1024 * 1024));
    }
}
