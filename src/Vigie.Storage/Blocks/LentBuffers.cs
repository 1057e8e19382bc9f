namespace Vigie.Storage.Blocks;

/// <summary>
/// The value byte arrays a <see cref="ColumnarBlockBuilder"/> lends to the blocks it builds for a flush
/// (<see cref="ColumnarBlockBuilder.BuildLent"/>) instead of copying each column into an array of its
/// own; the part writer gives them back once a block is written, and the next blocks reuse them.
/// </summary>
/// <remarks>
/// An array is in at most one place at a time: the pool, one column buffer being filled, or one
/// built block. A block that is never given back merely leaves its arrays to the collector. Blocks
/// are given back on the writing thread while the builder may run on another, hence the lock.
/// </remarks>
internal sealed class LentBuffers
{
    /// <summary>Arrays larger than this are not kept for reuse, so that one huge column does not stay in memory.</summary>
    public const int RetainLimitBytes = 8 << 20;

    private readonly List<byte[]> _free = [];

    /// <summary>
    /// The smallest free array of at least <paramref name="sizeHint"/> bytes, else a new one of
    /// <paramref name="sizeHint"/> bytes: a smaller one would be grown again, copy after copy, by the buffer
    /// that asked for the size it needed last.
    /// </summary>
    public byte[] Rent(int sizeHint)
    {
        lock (_free)
        {
            var best = -1;
            for (var i = 0; i < _free.Count; i++)
            {
                var length = _free[i].Length;
                if (length >= sizeHint && (best < 0 || length < _free[best].Length))
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
        return GC.AllocateUninitializedArray<byte>(Math.Max(1024, sizeHint));
    }

    /// <summary>
    /// <paramref name="values"/> copied into an array rented from <paramref name="lender"/> (which may be
    /// longer than the values), or into an array of their own without one.
    /// </summary>
    public static byte[] CopyOut(ReadOnlySpan<byte> values, LentBuffers? lender)
    {
        if (lender is null)
        {
            return values.ToArray();
        }
        var array = lender.Rent(values.Length);
        values.CopyTo(array);
        return array;
    }

    public void Return(byte[] array)
    {
        if (array.Length > RetainLimitBytes)
        {
            return;
        }
        lock (_free)
        {
            _free.Add(array);
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
