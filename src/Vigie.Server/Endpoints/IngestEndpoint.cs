using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigie.Core;
using Vigie.Ingestion;
using Vigie.Ingestion.Service;
using Vigie.Server.Observability;
using Vigie.Server.Security;
using Vigie.Storage;
using Vigie.Storage.Store;

namespace Vigie.Server.Endpoints;

/// <summary>
/// <c>POST /api/v1/ingest?stream=f1,f2</c>: NDJSON in, <c>{"accepted":N,"rejected":M,"errors":[...]}</c>
/// out, sent only once the accepted events are durable. With an <c>Idempotency-Key</c> header the
/// request is stored at most once: a retry of a stored request answers the same counts plus
/// <c>"duplicate":true</c> and stores nothing.
/// </summary>
internal sealed class IngestEndpoint(IngestionService ingestion, LogStore store, ServerMetrics metrics, ServerOptions options, ApiKeys apiKeys)
{
    /// <summary>
    /// Batches being made durable while the decoder goes on; bounds memory per request. One: the
    /// decoder fills the next batch while the last one is stored, and waits for it before handing
    /// the next over. Under back-pressure a batch waits for room in the store with its pipeline
    /// output (two pooled batches of about 2 MB): two in flight per request let four busy requests
    /// hold about 40 MB more at the peak (1M events: 329–333 MB against 289–293 MB) for the same CPU.
    /// </summary>
    private const int MaxAppendsInFlight = 1;

    /// <summary>The name of this API in the per-listener metrics.</summary>
    public const string Listener = "api";

    // Batches of about 1 MB of values: a request holds two of them (one being decoded, one being made
    // durable; the store keeps copies of its own), and four busy requests held about 100 MB of
    // 16,384-event batches outside the store's back-pressure bound, most of the peak memory above
    // the bound itself.
    private const int BatchEvents = LogStore.PooledBatchEvents - 1;
    private const int BatchValueBytes = 1024 * 1024;

    /// <summary>Bodies from this size on fill full batches, taken from the store's pool.</summary>
    private const long PooledFromBodyBytes = 256 * 1024;

    /// <summary>
    /// A batch sized for what the decoder will put in it, so that it does not regrow while it fills:
    /// a full batch from the store's pool for a large body, a small one for a small body (a shipper's
    /// few events must not hold megabytes in the memtable), growing on demand when the size is unknown.
    /// </summary>
    private EventBatch NewBatch(long? bodyBytes) =>
        bodyBytes >= PooledFromBodyBytes ? store.BatchPool.Rent() : SizedBatch(bodyBytes);

    private static EventBatch SizedBatch(long? bodyBytes)
    {
        if (bodyBytes is not { } bytes || bytes <= 0)
        {
            return new EventBatch();
        }
        var valueBytes = (int)Math.Min(bytes, BatchValueBytes) + 64 * 1024;
        var events = (int)Math.Min(bytes / 64 + 1, BatchEvents + 1);
        return new EventBatch(events, events * 16, valueBytes);
    }

    public async Task HandleAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref metrics.IngestRequests);
        if (!apiKeys.AcceptsRequest(http.Request))
        {
            Interlocked.Increment(ref ingestion.Metrics.For(Listener).Unauthorized);
            http.Response.Headers.WWWAuthenticate = "Bearer";
            var presented = http.Request.Headers.Authorization.Count > 0;
            await ErrorAnswer.WriteAsync(http, StatusCodes.Status401Unauthorized, presented
                ? "the API key is not valid (send one of the server's keys as Authorization: Bearer <key>)"
                : "this server requires an API key: send it as Authorization: Bearer <key>").ConfigureAwait(false);
            return;
        }
        var streams = StreamFields.Parse(http.Request.Query["stream"]);
        // Small batches keep a request's memory to a few MB however large its body; the WAL's group
        // commit still writes them together.
        var limits = new NdjsonLimits { MaxBodyBytes = options.MaxBodyBytes, MaxLineBytes = options.MaxLineBytes, FlushEvents = BatchEvents, FlushValueBytes = BatchValueBytes };
        var inFlight = new List<Task>();
        long acceptedDurable = 0;
        var key = http.Request.Headers[IdempotencyKey.Header].ToString();
        if (key.Length > 0 && IdempotencyKey.Problem(key) is { } keyProblem)
        {
            await ErrorAnswer.WriteAsync(http, StatusCodes.Status400BadRequest, keyProblem).ConfigureAwait(false);
            return;
        }
        var duplicate = false;
        // The batch the decoder fills; this request's reference to it is released once it is stored,
        // or at the end if it was never handed over.
        EventBatch? filling = null;

        async ValueTask<EventBatch> AppendAsync(EventBatch full, CancellationToken ct)
        {
            filling = null;
            if (inFlight.Count >= MaxAppendsInFlight)
            {
                var waitStarted = Stopwatch.GetTimestamp();
                var done = await Task.WhenAny(inFlight).ConfigureAwait(false);
                Interlocked.Add(ref metrics.IngestDurableWaitTicksDecoding, Stopwatch.GetTimestamp() - waitStarted);
                inFlight.Remove(done);
                try
                {
                    await done.ConfigureAwait(false);
                }
                catch
                {
                    full.Release();
                    throw;
                }
            }
            inFlight.Add(AppendOne(full));
            return filling = NewBatch(http.Request.ContentLength);
        }

        async Task AppendOne(EventBatch batch)
        {
            try
            {
                var stored = await ingestion.StoreAsync(batch, Listener, http.RequestAborted).ConfigureAwait(false);
                Interlocked.Add(ref acceptedDurable, stored);
            }
            finally
            {
                batch.Release();
            }
        }

        IngestResult result;
        try
        {
            await using var body = ContentDecoding.Wrap(http.Request.Body, http.Request.Headers.ContentEncoding.ToString());
            if (key.Length == 0)
            {
                filling = NewBatch(http.Request.ContentLength);
                try
                {
                    result = await NdjsonDecoder.DecodeAsync(body, filling, streams, limits, Timestamps.Now(), AppendAsync, http.RequestAborted).ConfigureAwait(false);
                }
                finally
                {
                    // Not handed to AppendAsync: empty at the end, or dropped by an error.
                    filling?.Release();
                }
                var endStarted = Stopwatch.GetTimestamp();
                await Task.WhenAll(inFlight).ConfigureAwait(false);
                Interlocked.Add(ref metrics.IngestDurableWaitTicksEnd, Stopwatch.GetTimestamp() - endStarted);
            }
            else
            {
                // The whole body in one batch, stored in one WAL record with the key: the request is
                // stored entirely or not at all, and a retry finds the key. Hence the smaller bound
                // (and a batch of its own, not the pool's: it grows to the body's size).
                var keyedLimits = limits with { MaxBodyBytes = Math.Min(options.MaxBodyBytes, options.MaxKeyedBodyBytes) };
                var batch = SizedBatch(http.Request.ContentLength);
                result = await NdjsonDecoder.DecodeAsync(body, batch, streams, keyedLimits, Timestamps.Now(), onFlush: null, http.RequestAborted).ConfigureAwait(false);
                var once = await ingestion.StoreOnceAsync(batch, Listener, key, http.RequestAborted).ConfigureAwait(false);
                duplicate = once.Duplicate;
            }
        }
        catch (UnsupportedContentEncodingException e)
        {
            await ErrorAnswer.WriteAsync(http, StatusCodes.Status415UnsupportedMediaType, e.Message).ConfigureAwait(false);
            return;
        }
        catch (BodyTooLargeException e)
        {
            await DrainAsync(inFlight).ConfigureAwait(false);
            var message = key.Length > 0 && options.MaxKeyedBodyBytes < options.MaxBodyBytes
                ? $"{e.Message} (a request with an {IdempotencyKey.Header} is stored in one piece, so its body is limited to {options.MaxKeyedBodyBytes} bytes after decompression: send smaller batches)"
                : e.Message;
            await ErrorAnswer.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, message, Interlocked.Read(ref acceptedDurable)).ConfigureAwait(false);
            return;
        }
        catch (StorageFullException e)
        {
            await DrainAsync(inFlight).ConfigureAwait(false);
            Interlocked.Increment(ref metrics.IngestRefusedFull);
            http.Response.Headers.RetryAfter = "5";
            await ErrorAnswer.WriteAsync(http, StatusCodes.Status503ServiceUnavailable, e.Message, Interlocked.Read(ref acceptedDurable)).ConfigureAwait(false);
            return;
        }
        catch (InvalidDataException e)
        {
            // A compressed body that does not decompress.
            await DrainAsync(inFlight).ConfigureAwait(false);
            await ErrorAnswer.WriteAsync(http, StatusCodes.Status400BadRequest, "the request body could not be decompressed: " + e.Message, Interlocked.Read(ref acceptedDurable)).ConfigureAwait(false);
            return;
        }
        var counters = ingestion.Metrics.For(Listener);
        if (!duplicate)
        {
            Interlocked.Add(ref metrics.IngestEventsAccepted, result.Accepted);
            Interlocked.Add(ref metrics.IngestEventsRejected, result.Rejected);
            Interlocked.Add(ref counters.Rejected, result.Rejected);
        }
        Interlocked.Add(ref counters.Bytes, http.Request.ContentLength ?? result.BodyBytes);
        Interlocked.Increment(ref counters.Connections);
        Interlocked.Add(ref metrics.IngestBytes, result.BodyBytes);
        metrics.IngestSeconds.Observe(Stopwatch.GetElapsedTime(started));

        http.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(http.Response.Body, RowJson.Options);
        writer.WriteStartObject();
        writer.WriteNumber("accepted", result.Accepted);
        writer.WriteNumber("rejected", result.Rejected);
        writer.WriteStartArray("errors");
        foreach (var error in result.Errors)
        {
            writer.WriteStartObject();
            writer.WriteNumber("line", error.Line);
            writer.WriteString("error", error.Message);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (result.ErrorsTruncated)
        {
            writer.WriteBoolean("errorsTruncated", true);
        }
        if (duplicate)
        {
            writer.WriteBoolean("duplicate", true);
        }
        writer.WriteEndObject();
        await writer.FlushAsync().ConfigureAwait(false);
    }

    private static async Task DrainAsync(List<Task> inFlight)
    {
        foreach (var t in inFlight)
        {
            try
            {
                await t.ConfigureAwait(false);
            }
            catch (StorageFullException)
            {
            }
        }
    }
}
