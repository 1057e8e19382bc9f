namespace Vigie.Storage.Blocks;

/// <summary>
/// Arrays of one element type that a <see cref="ColumnarBlockBuilder"/> lends to the blocks it builds
/// for the part writer (times, kinds, offsets: see <see cref="LentRows"/>) and takes back once a block
/// is encoded, so that a block's row arrays are not new arrays of its exact size.
/// </summary>
/// <remarks>
/// An array is in at most one place at a time: the pool, a builder being filled, or one built block.
/// Blocks are given back on the writing thread while the builder may run on another, hence the lock.
/// </remarks>
internal sealed class LentArrays<T>
{
    /// <summary>
    /// More free arrays than this are not kept: a builder has a few blocks out at a time (the part
    /// writer's window), each with an array per column, so more would only hold memory.
    /// </summary>
    public const int MaxFree = 64;

    private readonly List<T[]> _free = [];

    /// <summary>
    /// The smallest free array of at least <paramref name="minLength"/> elements, else a new one of
    /// <paramref name="minLength"/>; its contents are whatever they were. On a miss the largest free
    /// array, too short for this buffer, is let go: a builder's buffers only grow, so an array left
    /// behind by one that grew would mostly stay unused, and the pool would fill up with such arrays
    /// while the ones worth keeping were turned away. So the pool never holds more arrays than were
    /// ever out at once.
    /// </summary>
    public T[] Rent(int minLength)
    {
        lock (_free)
        {
            var best = -1;
            var largest = -1;
            for (var i = 0; i < _free.Count; i++)
            {
                var length = _free[i].Length;
                if (length >= minLength && (best < 0 || length < _free[best].Length))
                {
                    best = i;
                }
                if (largest < 0 || length > _free[largest].Length)
                {
                    largest = i;
                }
            }
            var taken = best >= 0 ? best : largest;
            if (taken >= 0)
            {
                var array = _free[taken];
                _free[taken] = _free[^1];
                _free.RemoveAt(_free.Count - 1);
                if (best >= 0)
                {
                    return array;
                }
            }
        }
        return GC.AllocateUninitializedArray<T>(minLength);
    }

    /// <summary>Takes <paramref name="array"/> back; when the pool is full, in place of its smallest array if that is shorter.</summary>
    public void Return(T[] array)
    {
        lock (_free)
        {
            if (_free.Count < MaxFree)
            {
                _free.Add(array);
                return;
            }
            var smallest = 0;
            for (var i = 1; i < _free.Count; i++)
            {
                if (_free[i].Length < _free[smallest].Length)
                {
                    smallest = i;
                }
            }
            if (_free[smallest].Length < array.Length)
            {
                _free[smallest] = array;
            }
        }
    }

    public int FreeCount
    {
        get
        {
            lock (_free)
            {
                return _free.Count;
            }
        }
    }
}
