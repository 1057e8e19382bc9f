using System.Buffers.Binary;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// A growable byte buffer: encoders append into it and the writer reuses it block after block, so
/// steady-state encoding allocates nothing new.
/// </summary>
/// <remarks>
/// Owned by one thread at a time. Its array is the garbage collector's, not the shared array
/// pool's: it grows to the largest column of a part (megabytes), and the shared pool would keep
/// such arrays alive for minutes after a flush, which showed as hundreds of MB of idle memory.
/// </remarks>
internal sealed class ByteBuffer : IDisposable
{
    private byte[] _array;
    private int _length;

    public ByteBuffer(int initialCapacity = 4096) => _array = GC.AllocateUninitializedArray<byte>(Math.Max(16, initialCapacity));

    public int Length => _length;

    public ReadOnlySpan<byte> Span => _array.AsSpan(0, _length);

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, _length);

    public void Clear() => _length = 0;

    /// <summary>Drops what was written after <paramref name="length"/> (an abandoned attempt).</summary>
    public void Truncate(int length) => _length = length;

    /// <summary>Room for <paramref name="count"/> more bytes; commit what was used with <see cref="Advance"/>.</summary>
    public Span<byte> GetSpan(int count)
    {
        Ensure(count);
        return _array.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    public void WriteByte(byte value)
    {
        Ensure(1);
        _array[_length++] = value;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_array.AsSpan(_length));
        _length += bytes.Length;
    }

    public void WriteVarint(ulong value)
    {
        Ensure(Varint.MaxBytes);
        _length += Varint.Write(_array.AsSpan(_length), value);
    }

    public void WriteZigZag(long value) => WriteVarint(Varint.ZigZag(value));

    public void WriteInt64(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64LittleEndian(_array.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteUInt64(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_array.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteDouble(double value)
    {
        Ensure(8);
        BinaryPrimitives.WriteDoubleLittleEndian(_array.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteBlob(ReadOnlySpan<byte> bytes)
    {
        WriteVarint((ulong)bytes.Length);
        Write(bytes);
    }

    public void WriteUtf8String(string text)
    {
        var max = System.Text.Encoding.UTF8.GetMaxByteCount(text.Length);
        Ensure(max + Varint.MaxBytes);
        var n = System.Text.Encoding.UTF8.GetByteCount(text);
        WriteVarint((ulong)n);
        _length += System.Text.Encoding.UTF8.GetBytes(text, _array.AsSpan(_length));
    }

    private void Ensure(int extra)
    {
        if (_length + extra <= _array.Length)
        {
            return;
        }
        var size = (int)Math.Min(Array.MaxLength, Math.Max((long)_array.Length * 2, (long)_length + extra));
        var next = GC.AllocateUninitializedArray<byte>(size);
        _array.AsSpan(0, _length).CopyTo(next);
        _array = next;
    }

    public void Dispose()
    {
        _array = [];
        _length = 0;
    }
}
