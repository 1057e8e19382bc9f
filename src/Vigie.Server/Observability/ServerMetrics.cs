using Vigie.Core;

namespace Vigie.Server.Observability;

/// <summary>Counters of the HTTP layer, read by <c>/metrics</c>. Updated with interlocked operations.</summary>
public sealed class ServerMetrics
{
    public long IngestRequests;
    public long IngestEventsAccepted;
    public long IngestEventsRejected;
    public long IngestBytes;
    public long IngestRefusedFull;
    public long Queries;
    public long QueryErrors;
    public long TailSubscribers;
    public long TailEventsDropped;

    public LatencyHistogram QuerySeconds { get; } = new();

    public LatencyHistogram IngestSeconds { get; } = new();

    /// <summary>
    /// Stopwatch ticks ingest requests spent waiting for their batches to become durable: while decoding
    /// (the batches in flight were at their bound) and at the end (the last batches, before the answer).
    /// </summary>
    public long IngestDurableWaitTicksDecoding;

    public long IngestDurableWaitTicksEnd;

    /// <summary>Idle memory trims run (<see cref="IdleMemoryTrimmer"/>): one a few seconds after start-up and after each burst of activity, then again while the quiet lasts.</summary>
    public long IdleTrims;

    /// <summary>When the last idle trim ran, Unix time in milliseconds; 0 before the first.</summary>
    public long IdleTrimLastUnixMs;
}
