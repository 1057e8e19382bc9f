namespace Vigie.Core;

/// <summary>
/// Reuses <see cref="EventBatch"/>es of one size. Their arrays are large objects (about 2 MB for a
/// batch of 4,096 events), which the runtime frees only in full collections: allocating one per
/// request batch made the heap grow by hundreds of MB of garbage between collections while
/// ingesting, the largest share of the peak memory.
/// </summary>
/// <remarks>
/// <para>Ownership is counted (<see cref="EventBatch.AddReference"/>, <see cref="EventBatch.Release"/>):
/// <see cref="Rent"/> gives the caller one reference; whoever keeps the batch longer (the store, until
/// it is written to a part) takes its own. The batch comes back here when the last reference is
/// released, and is emptied then. A holder that cannot release (e.g. a live tail reading it later)
/// <see cref="EventBatch.Detach"/>es it first: it then never returns here.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class EventBatchPool(int events, int fields, int valueBytes, int maxPooled) : IBatchHome
{
    private readonly Stack<EventBatch> _free = new();
    private readonly Lock _lock = new();
    /// <summary>Twice what a batch of the pool's size takes (<see cref="EventBatch.MemoryBytes"/>).</summary>
    private readonly long _maxBatchMemory = 2 * ((events + 1L) * (sizeof(long) + sizeof(int) + sizeof(int)) + fields * 13L + valueBytes);
    private bool _used;

    /// <summary>The events a batch of the pool holds without growing.</summary>
    public int BatchEvents => events;

    /// <summary>The bytes of values a batch of the pool holds without growing.</summary>
    public int BatchValueBytes => valueBytes;

    /// <summary>Batches waiting in the pool.</summary>
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

    /// <summary>An empty batch, owned by the caller (one reference): release it when done.</summary>
    public EventBatch Rent()
    {
        EventBatch? batch;
        lock (_lock)
        {
            _used = true;
            _free.TryPop(out batch);
        }
        batch ??= new EventBatch(events, fields, valueBytes);
        batch.AttachTo(this);
        return batch;
    }

    /// <summary>Called by <see cref="EventBatch.Release"/> when the last reference goes.</summary>
    void IBatchHome.Return(EventBatch batch)
    {
        // A batch that grew far past the pool's size (one huge line) is left to the collector.
        if (batch.MemoryBytes > _maxBatchMemory)
        {
            return;
        }
        batch.Clear();
        lock (_lock)
        {
            if (_free.Count < maxPooled)
            {
                _free.Push(batch);
            }
        }
    }

    /// <summary>
    /// Drops the pooled batches when none was rented since the last call: called every second or so,
    /// it leaves an idle server with none.
    /// </summary>
    public void TrimIfUnused()
    {
        lock (_lock)
        {
            if (!_used)
            {
                _free.Clear();
            }
            _used = false;
        }
    }
}
