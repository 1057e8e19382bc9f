using Vigie.Core;

namespace Vigie.Storage.Store;

/// <summary>Counters of the store, read by <c>/metrics</c>. Updated with interlocked operations.</summary>
public sealed class StoreMetrics
{
    public long EventsAppended;
    public long BytesAppended;
    public long AppendFailures;
    public long WalFsyncs;
    public long WalBytes;
    public long WalRecordsQuarantined;
    public long Flushes;
    public long FlushFailures;
    public long Merges;
    public long RowsMerged;

    /// <summary>Rows of <see cref="RowsMerged"/> that merges decoded and encoded again (the others were copied as stored).</summary>
    public long RowsRebuiltByMerges;

    /// <summary>Merges running now, and the bytes of their source parts (what their scratch grows with).</summary>
    public long MergesRunning;

    public long MergeSourceBytesRunning;

    public long PartsQuarantined;
    public long PartitionsDropped;

    public LatencyHistogram WalFsyncSeconds { get; } = new();

    public LatencyHistogram FlushSeconds { get; } = new();

    /// <summary>Appends that waited for room under <see cref="StoreOptions.MaxUnflushedBytes"/>, and how long in all (Stopwatch ticks).</summary>
    public long BackPressureWaits;

    public long BackPressureWaitTicks;
}
