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
    /// <paramref name="minLength"/>; its contents are whatever they were.
    /// </summary>
    public T[] Rent(int minLength)
    {
        lock (_free)
        {
            var best = -1;
            for (var i = 0; i < _free.Count; i++)
            {
                var length = _free[i].Length;
                if (length >= minLength && (best < 0 || length < _free[best].Length))
                {
                    best = i;
                }
            }
            if (best >= 0)
            {
                var array = _free[best];
                _free[best] = _free[^1];
                _free.RemoveAt(_free.Count - 1);
                return array;
            }
        }
        return GC.AllocateUninitializedArray<T>(minLength);
    }

    public void Return(T[] array)
    {
        lock (_free)
        {
            if (_free.Count < MaxFree)
            {
                _free.Add(array);
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
