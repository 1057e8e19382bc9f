using Microsoft.Extensions.Logging;
using Vigie.Core;
using Vigie.Storage.Store;

namespace Vigie.Ingestion.Service;

/// <summary>
/// The one way into the store for every protocol: listeners decode and map, then hand batches here;
/// this runs the processing pipelines, makes the batch durable and keeps the per-listener counts.
/// </summary>
/// <remarks>
/// <see cref="StoreAsync"/> completes only once the events are durable, so a listener that awaits it
/// before acknowledging (or before reading more from its socket) never acknowledges what could be lost
/// and slows its senders when storage cannot keep up. When the store refuses (disk full) it throws
/// <see cref="Vigie.Storage.StorageFullException"/>: HTTP answers 503, stream listeners stop reading
/// and retry, datagram listeners count a drop.
/// </remarks>
public sealed class IngestionService(LogStore store, ILogger<IngestionService> logger)
{
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(10);

    private readonly Lock _logLock = new();
    private readonly Dictionary<string, (DateTime Last, long Suppressed)> _lastLogged = new(StringComparer.Ordinal);
    private volatile IBatchProcessor? _processor;

    public IngestionMetrics Metrics { get; } = new();

    /// <summary>The processing pipelines; swapped as a whole on reload, null when none are configured.</summary>
    public IBatchProcessor? Processor
    {
        get => _processor;
        set => _processor = value;
    }

    /// <summary>Processes and durably stores <paramref name="batch"/>; returns the number of events stored.</summary>
    public async ValueTask<int> StoreAsync(EventBatch batch, string listener, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return 0;
        }
        var result = _processor?.Process(batch, listener) ?? new ProcessedBatch(batch);
        var processed = result.Batch;
        try
        {
            if (processed.Count > 0)
            {
                await store.AppendAsync(processed, cancellationToken).ConfigureAwait(false);
            }
            Interlocked.Add(ref Metrics.For(listener).Accepted, processed.Count);
            if (result.Held is { } held)
            {
                // Events held back (multiline) are counted when the processor stores them.
                await held.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            return processed.Count;
        }
        finally
        {
            ReleaseOutput(processed, batch);
        }
    }

    /// <summary>
    /// Gives up this call's reference to the processor's output (the store holds its own until the
    /// events are in a part): a pooled output goes back to the pool exactly when the last holder is done,
    /// whether it was stored, entirely dropped, or refused by the store.
    /// </summary>
    private static void ReleaseOutput(EventBatch processed, EventBatch input)
    {
        if (!ReferenceEquals(processed, input))
        {
            processed.Release();
        }
    }

    /// <summary>
    /// Processes and durably stores <paramref name="batch"/> as the one request named by
    /// <paramref name="idempotencyKey"/>: when a request with that key was already stored, stores
    /// nothing and returns <see cref="StoreOnceResult.Duplicate"/>. The key is written with the events
    /// (one WAL record), so a crash can never leave one without the other; a concurrent request with the
    /// same key waits for this one and then answers duplicate (or stores, if this one failed).
    /// </summary>
    /// <remarks>
    /// Multiline pipelines may hold the request's last event back and store it with a later batch. The
    /// request's other events and its key are then appended only once that held event is stored: a
    /// crash in between leaves the key unclaimed, so the sender's retry stores the request again (the
    /// held event at worst twice) rather than being answered duplicate with the held event lost.
    /// </remarks>
    public async ValueTask<StoreOnceResult> StoreOnceAsync(EventBatch batch, string listener, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var claim = await store.Keys.ClaimAsync(idempotencyKey, cancellationToken).ConfigureAwait(false);
        if (claim is null)
        {
            Interlocked.Increment(ref Metrics.For(listener).Duplicates);
            return new StoreOnceResult(0, Duplicate: true);
        }
        var result = batch.Count == 0 ? new ProcessedBatch(batch) : _processor?.Process(batch, listener) ?? new ProcessedBatch(batch);
        var processed = result.Batch;
        try
        {
            if (result.Held is { } held)
            {
                // The key is written last, with the rest of the request, once its held event is durable.
                await held.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            await store.AppendAsync(processed, claim, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref Metrics.For(listener).Accepted, processed.Count);
            return new StoreOnceResult(processed.Count, Duplicate: false);
        }
        finally
        {
            ReleaseOutput(processed, batch);
        }
    }

    /// <summary>
    /// Counts input that could not be decoded and logs why, at most once per listener every ten
    /// seconds (a flood of bad frames must not flood the log).
    /// </summary>
    public void Reject(string listener, long events, string reason)
    {
        Interlocked.Add(ref Metrics.For(listener).Rejected, events);
        LogLimited(listener, "rejected", events, reason);
    }

    /// <summary>Counts events lost without the sender knowing (UDP) and logs why, rate limited.</summary>
    public void Drop(string listener, long events, string reason)
    {
        Interlocked.Add(ref Metrics.For(listener).Dropped, events);
        LogLimited(listener, "dropped", events, reason);
    }

    private void LogLimited(string listener, string what, long events, string reason)
    {
        long suppressed;
        var key = listener + "/" + what;
        lock (_logLock)
        {
            var now = DateTime.UtcNow;
            if (_lastLogged.TryGetValue(key, out var last) && now - last.Last < LogEvery)
            {
                _lastLogged[key] = (last.Last, last.Suppressed + events);
                return;
            }
            suppressed = last.Suppressed;
            _lastLogged[key] = (now, 0);
        }
        if (suppressed > 0)
        {
            logger.LogWarning("{Listener}: {What} {Events} event(s): {Reason} ({Suppressed} more since the last message)", listener, what, events, reason, suppressed);
        }
        else
        {
            logger.LogWarning("{Listener}: {What} {Events} event(s): {Reason}", listener, what, events, reason);
        }
    }
}
