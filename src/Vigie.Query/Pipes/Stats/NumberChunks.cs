using System.Buffers;

namespace Vigie.Query.Pipes.Stats;

/// <summary>
/// A growing set of doubles kept in arrays rented from <see cref="ArrayPool{T}.Shared"/>: no copy as it
/// grows (a full chunk is kept and a larger one rented), merging another set takes its chunks as
/// they are, and <see cref="Release"/> gives every array back. Not thread-safe.
/// </summary>
internal sealed class NumberChunks
{
    private const int FirstChunk = 64;
    private const int LargestChunk = 1 << 16;

    private readonly List<(double[] Array, int Count)> _full = [];
    private double[] _current = [];
    private int _used;

    public long Count { get; private set; }

    public void Add(double value)
    {
        if (_used == _current.Length)
        {
            Grow(1);
        }
        _current[_used++] = value;
        Count++;
    }

    public void AddRange(ReadOnlySpan<double> values)
    {
        while (!values.IsEmpty)
        {
            if (_used == _current.Length)
            {
                Grow(values.Length);
            }
            var n = Math.Min(values.Length, _current.Length - _used);
            values[..n].CopyTo(_current.AsSpan(_used));
            _used += n;
            Count += n;
            values = values[n..];
        }
    }

    /// <summary>Takes every value of <paramref name="other"/>, which is left empty.</summary>
    public void TakeFrom(NumberChunks other)
    {
        _full.AddRange(other._full);
        if (other._used > 0)
        {
            _full.Add((other._current, other._used));
        }
        else if (other._current.Length > 0)
        {
            ArrayPool<double>.Shared.Return(other._current);
        }
        Count += other.Count;
        other._full.Clear();
        other._current = [];
        other._used = 0;
        other.Count = 0;
    }

    /// <summary>The values, chunk by chunk, in no particular order.</summary>
    public IEnumerable<ReadOnlyMemory<double>> Chunks()
    {
        foreach (var (array, count) in _full)
        {
            yield return array.AsMemory(0, count);
        }
        if (_used > 0)
        {
            yield return _current.AsMemory(0, _used);
        }
    }

    /// <summary>Gives every array back to the pool; the set is then empty.</summary>
    public void Release()
    {
        foreach (var (array, _) in _full)
        {
            ArrayPool<double>.Shared.Return(array);
        }
        if (_current.Length > 0)
        {
            ArrayPool<double>.Shared.Return(_current);
        }
        _full.Clear();
        _current = [];
        _used = 0;
        Count = 0;
    }

    private void Grow(int wanted)
    {
        if (_used > 0)
        {
            _full.Add((_current, _used));
        }
        else if (_current.Length > 0)
        {
            ArrayPool<double>.Shared.Return(_current);
        }
        var size = Math.Clamp(Math.Max((int)Math.Min(Count, LargestChunk), wanted), FirstChunk, LargestChunk);
        _current = ArrayPool<double>.Shared.Rent(size);
        _used = 0;
    }
}
