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
    public long PartsQuarantined;
    public long PartitionsDropped;

    public LatencyHistogram WalFsyncSeconds { get; } = new();

    public LatencyHistogram FlushSeconds { get; } = new();
}
