using System.Buffers;

namespace Vigie.Agent.Delivery;

/// <summary>
/// A growable byte buffer over <see cref="BufferPool"/>: a batch's NDJSON and its encoded
/// record are written here and the array goes back to the pool when the batch is done, so that a
/// busy agent reuses the same few megabytes instead of allocating per batch.
/// </summary>
internal sealed class PooledBuffer(int initialCapacity = 64 * 1024) : IBufferWriter<byte>, IDisposable
{
    private byte[] _array = BufferPool.Bytes.Rent(initialCapacity);
    private int _length;

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _length);

    /// <summary>What was written, to patch in place (a header filled in once the payload is known).</summary>
    public Span<byte> WrittenBytes => _array.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _length);

    public void Clear() => _length = 0;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_length + count > _array.Length)
        {
            throw new InvalidOperationException("advanced past the end of the buffer");
        }
        _length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_length);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _length += bytes.Length;
    }

    public void WriteByte(byte value)
    {
        GetSpan(1)[0] = value;
        _length++;
    }

    private void Ensure(int sizeHint)
    {
        var needed = _length + Math.Max(sizeHint, 1);
        if (needed <= _array.Length)
        {
            return;
        }
        var bigger = BufferPool.Bytes.Rent(Math.Max(needed, _array.Length * 2));
        _array.AsSpan(0, _length).CopyTo(bigger);
        BufferPool.Bytes.Return(_array);
        _array = bigger;
    }

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, []);
        if (array.Length > 0)
        {
            BufferPool.Bytes.Return(array);
        }
        _length = 0;
    }
}
