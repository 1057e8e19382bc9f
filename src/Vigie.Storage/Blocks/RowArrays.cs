using Vigie.Core;

namespace Vigie.Storage.Blocks;

/// <summary>
/// The exact-size arrays of the blocks a <see cref="ColumnarBlockBuilder"/> lends to the part writer
/// (<see cref="ColumnarBlockBuilder.BuildLent"/>): the times, and per column the kinds and offsets, whose
/// lengths are the block's row count (the encoders and every reader of a block take an array's
/// length for its rows, so they cannot be lent larger, as the value bytes are). Given back once the
/// block is written, they serve the next blocks of the same row count: a merge's blocks are mostly
/// of the format's full size, and a flush's blocks of a stream often repeat a size.
/// </summary>
/// <remarks>
/// An array is in at most one place at a time: here or one built block. Keeps at most
/// <see cref="MaxKeptBytes"/>: a returned array that does not fit pushes out arrays of other row
/// counts (sizes that came once and may not come again), else is left to the collector.
/// Blocks are given back on the writing thread while the builder may run on another, hence the lock.
/// </remarks>
internal sealed class RowArrays
{
    /// <summary>About two full blocks of 16 columns (16,384 rows: 1.4 MB each) and change.</summary>
    public const long MaxKeptBytes = 4L << 20;

    private readonly Lock _lock = new();
    private readonly Dictionary<int, Kept> _byRows = [];
    private long _keptBytes;

    public long KeptBytes
    {
        get
        {
            lock (_lock)
            {
                return _keptBytes;
            }
        }
    }

    /// <summary>An array of exactly <paramref name="rows"/> times, its contents undefined.</summary>
    public long[] RentTimes(int rows) => Take(rows, static k => k.Times, sizeof(long) * (long)rows) ?? GC.AllocateUninitializedArray<long>(rows);

    /// <summary>An array of exactly <paramref name="rows"/> kinds, its contents undefined.</summary>
    public ValueKind[] RentKinds(int rows) => Take(rows, static k => k.Kinds, rows) ?? GC.AllocateUninitializedArray<ValueKind>(rows);

    /// <summary>An array of exactly <paramref name="rows"/> + 1 offsets, its contents undefined.</summary>
    public int[] RentOffsets(int rows) => Take(rows, static k => k.Offsets, sizeof(int) * (rows + 1L)) ?? GC.AllocateUninitializedArray<int>(rows + 1);

    public void ReturnTimes(long[] times) => Give(times.Length, times, static k => k.Times, sizeof(long) * (long)times.Length);

    public void ReturnKinds(ValueKind[] kinds) => Give(kinds.Length, kinds, static k => k.Kinds, kinds.Length);

    public void ReturnOffsets(int[] offsets)
    {
        if (offsets.Length > 0)
        {
            Give(offsets.Length - 1, offsets, static k => k.Offsets, sizeof(int) * (long)offsets.Length);
        }
    }

    private T[]? Take<T>(int rows, Func<Kept, Stack<T[]>> of, long bytes)
    {
        lock (_lock)
        {
            if (_byRows.TryGetValue(rows, out var kept) && of(kept).TryPop(out var array))
            {
                _keptBytes -= bytes;
                return array;
            }
        }
        return null;
    }

    private void Give<T>(int rows, T[] array, Func<Kept, Stack<T[]>> of, long bytes)
    {
        if (rows == 0 || bytes > MaxKeptBytes)
        {
            return;
        }
        lock (_lock)
        {
            if (_keptBytes + bytes > MaxKeptBytes)
            {
                MakeRoom(rows, bytes);
                if (_keptBytes + bytes > MaxKeptBytes)
                {
                    return;
                }
            }
            if (!_byRows.TryGetValue(rows, out var kept))
            {
                kept = new Kept();
                _byRows.Add(rows, kept);
            }
            of(kept).Push(array);
            _keptBytes += bytes;
        }
    }

    /// <summary>Drops the arrays of other row counts until <paramref name="bytes"/> more fit.</summary>
    private void MakeRoom(int rows, long bytes)
    {
        List<int>? emptied = null;
        foreach (var (otherRows, kept) in _byRows)
        {
            if (otherRows == rows)
            {
                continue;
            }
            _keptBytes -= kept.Bytes(otherRows);
            (emptied ??= []).Add(otherRows);
            if (_keptBytes + bytes <= MaxKeptBytes)
            {
                break;
            }
        }
        if (emptied is not null)
        {
            foreach (var r in emptied)
            {
                _byRows.Remove(r);
            }
        }
    }

    /// <summary>The arrays kept for one row count.</summary>
    private sealed class Kept
    {
        public Stack<long[]> Times { get; } = new();

        public Stack<ValueKind[]> Kinds { get; } = new();

        public Stack<int[]> Offsets { get; } = new();

        public long Bytes(int rows) => (Times.Count * sizeof(long) * (long)rows) + (Kinds.Count * (long)rows) + (Offsets.Count * sizeof(int) * (rows + 1L));
    }
}
