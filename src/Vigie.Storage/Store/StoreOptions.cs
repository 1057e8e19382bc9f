namespace Vigie.Storage.Store;

/// <summary>How a <see cref="LogStore"/> behaves; defaults suit a small server.</summary>
public sealed record StoreOptions
{
    public required string DataDirectory { get; init; }

    /// <summary>
    /// How often the memtable becomes a part. Events are searchable once in a part, so this bounds
    /// the delay between an acknowledgement and visibility.
    /// </summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Flush early when the memtable holds this many value bytes, to bound memory.</summary>
    public long MemtableFlushBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>
    /// Appends wait (back-pressure) while the memory held by acknowledged events not yet in parts,
    /// and by batches on their way to the WAL, exceeds this: their batches' buffers as allocated
    /// (<see cref="Core.EventBatch.MemoryBytes"/>), so that the bound is what the process really holds.
    /// The store keeps exactly-sized copies of the batches (<see cref="LogStore.HeldBatches"/>), about
    /// 1.7 times their value bytes: 72 MB hold about 40 MB of values, as many events as the 128 MB
    /// this bound was when the store kept the decoders' batches (about 3 times their value bytes), so
    /// that a flush under full load finds as many events waiting and parts keep their size.
    /// A lower bound lowers the peak memory by about as much, at the cost of more, smaller flushes
    /// (a flush starts at half the bound) and more CPU; <c>vigie serve --max-unflushed</c> sets it.
    /// </summary>
    public long MaxUnflushedBytes { get; init; } = 72L * 1024 * 1024;

    /// <summary>
    /// A quiet day partition (no new part for <see cref="MergeQuietAfter"/>) with more parts than
    /// this gets a merge: the part count queries see at rest.
    /// </summary>
    public int MaxPartsPerPartition { get; init; } = 6;

    /// <summary>
    /// A day partition still receiving parts gets a merge above this many: a few more parts than at
    /// rest let merges wait for parts of similar size instead of rewriting large ones to absorb small ones.
    /// </summary>
    public int MaxPartsWhileIngesting { get; init; } = 8;

    /// <summary>
    /// A partition that got no new part for this long is merged down to <see cref="MaxPartsPerPartition"/>:
    /// six flush intervals, so that steady ingestion never looks quiet and a pause soon brings queries
    /// back to the part count at rest.
    /// </summary>
    public TimeSpan MergeQuietAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>At most this many parts go into one merge.</summary>
    public int MaxPartsPerMerge { get; init; } = 12;

    /// <summary>Drop day partitions whose whole day is older than this.</summary>
    public TimeSpan? Retention { get; init; }

    /// <summary>Drop the oldest day partitions while parts and WAL take more than this.</summary>
    public long? MaxDiskBytes { get; init; }

    public TimeSpan RetentionCheckInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Runs merges in the background; tests switch it off to control part counts.</summary>
    public bool BackgroundMerges { get; init; } = true;

    /// <summary>How long the idempotency key of a stored request is remembered: a retry within it is answered "duplicate".</summary>
    public TimeSpan IdempotencyKeyLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>At most this many idempotency keys are remembered (about 150 bytes of memory each); the oldest go first past it.</summary>
    public int IdempotencyKeyLimit { get; init; } = 1_000_000;

    /// <summary>Clock for retention decisions and idempotency key expiry; tests move it.</summary>
    public Func<DateTime> UtcNow { get; init; } = () => DateTime.UtcNow;
}
