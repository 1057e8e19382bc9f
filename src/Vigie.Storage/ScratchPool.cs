namespace Vigie.Storage;

/// <summary>
/// Objects costly to make, kept from one use to the next: a flush's or a merge's scratch (a block
/// builder with its column buffers, the rows' index), zstd's contexts. Their arrays grow to the size of the largest flush;
/// made new every time, they were tens of MB of large arrays per flush for the collector, and the
/// large-object heap's budget that those spent started a full collection every flush or two.
/// </summary>
/// <remarks>
/// An object is in at most one place at a time: this pool or one holder. Objects not taken for a
/// second are dropped (<see cref="TrimIfUnused"/>, run by a timer for the shared pools), so that an
/// idle server keeps none; dropped objects that hold native memory (<see cref="IDisposable"/>) are
/// disposed. Thread-safe.
/// </remarks>
internal sealed class ScratchPool<T>
    where T : class
{
    private readonly Lock _lock = new();
    private readonly Stack<T> _free = new();
    private readonly Func<T> _create;
    private readonly int _maxFree;
    private bool _used;

    public ScratchPool(Func<T> create, int maxFree)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentOutOfRangeException.ThrowIfNegative(maxFree);
        _create = create;
        _maxFree = maxFree;
    }

    public int FreeCount
    {
        get
        {
            lock (_lock)
            {
                return _free.Count;
            }
        }
    }

    /// <summary>A free object, else a new one; the caller gives it back with <see cref="Return"/>.</summary>
    public T Rent()
    {
        lock (_lock)
        {
            _used = true;
            if (_free.TryPop(out var item))
            {
                return item;
            }
        }
        return _create();
    }

    /// <summary>Gives back an object from <see cref="Rent"/>; the caller no longer uses it nor anything it lent.</summary>
    public void Return(T item)
    {
        lock (_lock)
        {
            if (_free.Count < _maxFree)
            {
                _free.Push(item);
                return;
            }
        }
        (item as IDisposable)?.Dispose();
    }

    /// <summary>Drops the free objects when none was rented since the last call.</summary>
    public void TrimIfUnused()
    {
        T[]? dropped = null;
        lock (_lock)
        {
            if (!_used && _free.Count > 0)
            {
                dropped = [.. _free];
                _free.Clear();
            }
            _used = false;
        }
        foreach (var item in dropped ?? [])
        {
            (item as IDisposable)?.Dispose();
        }
    }
}
