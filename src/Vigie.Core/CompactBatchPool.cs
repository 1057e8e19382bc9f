namespace Vigie.Core;

/// <summary>
/// Copies of batches in buffers of about their size, for a holder that keeps batches long: the
/// store's memtable keeps every acknowledged batch until it is written to a part. A batch filled
/// by a decoder has room to spare (it is sized for the largest batch it may get: a pooled ingest
/// batch takes about 2 MB for about 1.1 MB of events); its copy here takes what its events need,
/// and the batch it was copied from goes back to its own pool at once. The copies are reused
/// too: a copy released by its last holder comes back here, and the next copy of a similar batch
/// takes its buffers, so that a busy store does not leave a large object behind per batch for the
/// collector.
/// </summary>
/// <remarks>
/// <para>A copy's buffers are at most a quarter larger than what its events need: new buffers are
/// sized 6 to 9 % above the need, so that the next batches of a similar size fit in them, and a
/// free copy is reused only for a batch that fills it that far.</para>
/// <para>Ownership is counted as for <see cref="EventBatchPool"/>: <see cref="Copy"/> gives the caller
/// one reference. Thread-safe.</para>
/// </remarks>
public sealed class CompactBatchPool : IBatchHome
{
    /// <summary>Free copies looked at for a fit; more are dropped (a copy is sized for one kind of batch).</summary>
    private const int MaxFree = 256;

    private readonly List<EventBatch> _free = [];
    private readonly Lock _lock = new();
    private readonly long _maxPooledBytes;
    private long _freeBytes;
    private bool _used;

    /// <param name="maxPooledBytes">At most this much memory (<see cref="EventBatch.MemoryBytes"/>) waits in the pool.</param>
    public CompactBatchPool(long maxPooledBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxPooledBytes);
        _maxPooledBytes = maxPooledBytes;
    }

    /// <summary>Copies waiting in the pool.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _free.Count;
            }
        }
    }

    /// <summary>Memory of the copies waiting in the pool.</summary>
    public long PooledBytes
    {
        get
        {
            lock (_lock)
            {
                return _freeBytes;
            }
        }
    }

    /// <summary>
    /// A copy of <paramref name="source"/> (which is left as it is), owned by the caller (one reference):
    /// release it when done. The source must not have an event open. The copy holds the same events
    /// grouped by stream (<see cref="EventBatch.IsGroupedByStream"/>), each stream's in the order they
    /// arrived: the flush reads a stream's rows of a batch from one place instead of one in every few
    /// hundred events, and the copy is where that costs least (the source is still in the cache of
    /// the thread that decoded it).
    /// </summary>
    public EventBatch Copy(EventBatch source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var events = source.Count;
        var fields = source.TotalFields;
        var bytes = source.ValueBytes;
        var need = EventBatch.MemoryFor(events, fields, bytes);
        EventBatch? copy = null;
        lock (_lock)
        {
            _used = true;
            var best = -1;
            for (var i = 0; i < _free.Count; i++)
            {
                var candidate = _free[i];
                if (candidate.MemoryBytes <= need + need / 4 && candidate.Fits(events, fields, bytes)
                    && (best < 0 || candidate.MemoryBytes < _free[best].MemoryBytes))
                {
                    best = i;
                }
            }
            if (best >= 0)
            {
                copy = _free[best];
                _free[best] = _free[^1];
                _free.RemoveAt(_free.Count - 1);
                _freeBytes -= copy.MemoryBytes;
            }
        }
        copy ??= new EventBatch(RoundUp(events), RoundUp(fields), RoundUp(bytes));
        copy.CopyGroupedFrom(source);
        copy.AttachTo(this);
        return copy;
    }

    void IBatchHome.Return(EventBatch batch)
    {
        batch.Clear();
        var memory = batch.MemoryBytes;
        lock (_lock)
        {
            if (_free.Count < MaxFree && _freeBytes + memory <= _maxPooledBytes)
            {
                _free.Add(batch);
                _freeBytes += memory;
            }
        }
    }

    /// <summary>
    /// Drops the pooled copies when none was made since the last call: called every second or so, it
    /// leaves an idle server with none.
    /// </summary>
    public void TrimIfUnused()
    {
        lock (_lock)
        {
            if (!_used)
            {
                _free.Clear();
                _freeBytes = 0;
            }
            _used = false;
        }
    }

    /// <summary>
    /// A size a little above <paramref name="n"/> (6 to 9 % more, in steps of a 32nd of its power of
    /// two), so that a similar batch a little larger fits the same buffers.
    /// </summary>
    internal static int RoundUp(int n)
    {
        if (n <= 64)
        {
            return Math.Max(1, n);
        }
        var step = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)n + 1) / 64;
        return (int)Math.Min(((long)n + n / 16) / step * step + step, Array.MaxLength);
    }
}
