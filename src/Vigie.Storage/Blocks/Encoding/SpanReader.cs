using System.Buffers.Binary;
using System.Text;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// A bounds-checked cursor over bytes that came from disk. Every overrun or out-of-range value
/// throws <see cref="InvalidDataException"/>, the one exception type decoders raise for bad bytes;
/// the part reader turns it into a <see cref="Parts.PartCorruptException"/> naming file and offset.
/// </summary>
internal ref struct SpanReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public SpanReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public readonly bool AtEnd => _position == _data.Length;

    public byte ReadByte()
    {
        if (_position >= _data.Length)
        {
            throw new InvalidDataException($"unexpected end of data at byte {_position}");
        }
        return _data[_position++];
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new InvalidDataException($"{count} bytes wanted at byte {_position}, {Remaining} left");
        }
        var s = _data.Slice(_position, count);
        _position += count;
        return s;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = ReadByte();
            if (shift == 63 && b > 1)
            {
                throw new InvalidDataException($"varint overflows 64 bits at byte {_position - 1}");
            }
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }
        throw new InvalidDataException($"varint longer than 10 bytes at byte {_position}");
    }

    public long ReadZigZag() => Varint.UnZigZag(ReadVarint());

    /// <summary>A varint that must lie in [0, <paramref name="max"/>]: counts and lengths.</summary>
    public int ReadCount(int max)
    {
        var at = _position;
        var v = ReadVarint();
        if (v > (ulong)max)
        {
            throw new InvalidDataException($"count {v} at byte {at} exceeds the limit {max}");
        }
        return (int)v;
    }

    public long ReadLongVarint()
    {
        var at = _position;
        var v = ReadVarint();
        if (v > long.MaxValue)
        {
            throw new InvalidDataException($"value {v} at byte {at} is out of range");
        }
        return (long)v;
    }

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(ReadBytes(8));

    /// <summary>Length-prefixed bytes.</summary>
    public ReadOnlySpan<byte> ReadBlob() => ReadBytes(ReadCount(Remaining));

    /// <summary>Length-prefixed UTF-8 that must be well formed (names and keys, not values).</summary>
    public string ReadUtf8String()
    {
        var at = _position;
        var bytes = ReadBlob();
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw new InvalidDataException($"invalid UTF-8 at byte {at}");
        }
        return Encoding.UTF8.GetString(bytes);
    }
}
