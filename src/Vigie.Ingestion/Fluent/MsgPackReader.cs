using System.Buffers.Binary;

namespace Vigie.Ingestion.Fluent;

/// <summary>
/// A forward-only MessagePack reader over a span holding whole values (see <see cref="TryMeasure"/>).
/// Malformed input throws <see cref="FormatException"/>; nothing is allocated.
/// </summary>
public ref struct MsgPackReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;

    public int Position { get; set; }

    public readonly bool End => Position >= _data.Length;

    /// <summary>
    /// The length of the one value at the start of <paramref name="data"/>, or false when <paramref name="data"/>
    /// does not hold all of it yet. Iterative: a deeply nested value cannot overflow the stack.
    /// </summary>
    public static bool TryMeasure(ReadOnlySpan<byte> data, out int length)
    {
        length = 0;
        var reader = new MsgPackReader(data);
        long remaining = 1;
        while (remaining > 0)
        {
            if (reader.End)
            {
                return false;
            }
            remaining--;
            if (!reader.TryHeaderLength(out var header, out var payload, out var children))
            {
                return false;
            }
            if ((long)reader.Position + header + payload > data.Length)
            {
                return false;
            }
            reader.Position += header + (int)payload;
            remaining += children;
        }
        length = reader.Position;
        return true;
    }

    /// <summary>Header and payload sizes of the value at <see cref="Position"/>, and how many values it contains.</summary>
    private readonly bool TryHeaderLength(out int header, out long payload, out long children)
    {
        var rest = _data[Position..];
        var b = rest[0];
        header = 1;
        payload = 0;
        children = 0;
        switch (b)
        {
            case <= 0x7f or >= 0xe0 or 0xc0 or 0xc2 or 0xc3:
                return true;
            case >= 0x80 and <= 0x8f:
                children = 2 * (b & 0x0f);
                return true;
            case >= 0x90 and <= 0x9f:
                children = b & 0x0f;
                return true;
            case >= 0xa0 and <= 0xbf:
                payload = b & 0x1f;
                return true;
            case 0xc1:
                throw new FormatException($"byte 0xc1 (never used in MessagePack) at offset {Position}");
            case 0xc4 or 0xd9:
                return Sized(rest, 1, 0, out header, out payload);
            case 0xc5 or 0xda:
                return Sized(rest, 2, 0, out header, out payload);
            case 0xc6 or 0xdb:
                return Sized(rest, 4, 0, out header, out payload);
            case 0xc7:
                return Sized(rest, 1, 1, out header, out payload);
            case 0xc8:
                return Sized(rest, 2, 1, out header, out payload);
            case 0xc9:
                return Sized(rest, 4, 1, out header, out payload);
            case 0xca:
                payload = 4;
                return true;
            case 0xcb:
                payload = 8;
                return true;
            case 0xcc or 0xd0:
                payload = 1;
                return true;
            case 0xcd or 0xd1:
                payload = 2;
                return true;
            case 0xce or 0xd2:
                payload = 4;
                return true;
            case 0xcf or 0xd3:
                payload = 8;
                return true;
            case 0xd4:
                payload = 2;
                return true;
            case 0xd5:
                payload = 3;
                return true;
            case 0xd6:
                payload = 5;
                return true;
            case 0xd7:
                payload = 9;
                return true;
            case 0xd8:
                payload = 17;
                return true;
            case 0xdc:
                return Sized(rest, 2, 0, out header, out children);
            case 0xdd:
                return Sized(rest, 4, 0, out header, out children);
            case 0xde:
                if (!Sized(rest, 2, 0, out header, out children))
                {
                    return false;
                }
                children *= 2;
                return true;
            default: // 0xdf
                if (!Sized(rest, 4, 0, out header, out children))
                {
                    return false;
                }
                children *= 2;
                return true;
        }
    }

    private static bool Sized(ReadOnlySpan<byte> rest, int sizeBytes, int extra, out int header, out long size)
    {
        header = 1 + sizeBytes + extra;
        size = 0;
        if (rest.Length < 1 + sizeBytes)
        {
            return false;
        }
        size = sizeBytes switch
        {
            1 => rest[1],
            2 => BinaryPrimitives.ReadUInt16BigEndian(rest[1..]),
            _ => BinaryPrimitives.ReadUInt32BigEndian(rest[1..]),
        };
        return true;
    }

    public readonly MsgPackType PeekType()
    {
        Need(1);
        return _data[Position] switch
        {
            <= 0x7f or >= 0xe0 or (>= 0xcc and <= 0xd3) => MsgPackType.Integer,
            >= 0x80 and <= 0x8f or 0xde or 0xdf => MsgPackType.Map,
            >= 0x90 and <= 0x9f or 0xdc or 0xdd => MsgPackType.Array,
            >= 0xa0 and <= 0xbf or 0xd9 or 0xda or 0xdb => MsgPackType.String,
            0xc0 => MsgPackType.Nil,
            0xc2 or 0xc3 => MsgPackType.Bool,
            0xc4 or 0xc5 or 0xc6 => MsgPackType.Binary,
            0xca or 0xcb => MsgPackType.Float,
            0xc7 or 0xc8 or 0xc9 or (>= 0xd4 and <= 0xd8) => MsgPackType.Extension,
            _ => throw new FormatException($"byte 0x{_data[Position]:x2} (never used in MessagePack) at offset {Position}"),
        };
    }

    public int ReadArrayHeader()
    {
        Need(1);
        var b = _data[Position];
        long n = b switch
        {
            >= 0x90 and <= 0x9f => b & 0x0f,
            0xdc => ReadSize(2),
            0xdd => ReadSize(4),
            _ => throw Expected("an array"),
        };
        if (b is >= 0x90 and <= 0x9f)
        {
            Position++;
        }
        return Count(n);
    }

    public int ReadMapHeader()
    {
        Need(1);
        var b = _data[Position];
        long n = b switch
        {
            >= 0x80 and <= 0x8f => b & 0x0f,
            0xde => ReadSize(2),
            0xdf => ReadSize(4),
            _ => throw Expected("a map"),
        };
        if (b is >= 0x80 and <= 0x8f)
        {
            Position++;
        }
        return Count(n);
    }

    /// <summary>The bytes of a str or bin value.</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        Need(1);
        var b = _data[Position];
        long n = b switch
        {
            >= 0xa0 and <= 0xbf => b & 0x1f,
            0xd9 or 0xc4 => ReadSize(1),
            0xda or 0xc5 => ReadSize(2),
            0xdb or 0xc6 => ReadSize(4),
            _ => throw Expected("a string"),
        };
        if (b is >= 0xa0 and <= 0xbf)
        {
            Position++;
        }
        return Take(n);
    }

    public long ReadInt64()
    {
        Need(1);
        var b = _data[Position];
        if (b <= 0x7f)
        {
            Position++;
            return b;
        }
        if (b >= 0xe0)
        {
            Position++;
            return (sbyte)b;
        }
        Position++;
        return b switch
        {
            0xcc => Take(1)[0],
            0xcd => BinaryPrimitives.ReadUInt16BigEndian(Take(2)),
            0xce => BinaryPrimitives.ReadUInt32BigEndian(Take(4)),
            0xcf => (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(Take(8)), long.MaxValue),
            0xd0 => (sbyte)Take(1)[0],
            0xd1 => BinaryPrimitives.ReadInt16BigEndian(Take(2)),
            0xd2 => BinaryPrimitives.ReadInt32BigEndian(Take(4)),
            0xd3 => BinaryPrimitives.ReadInt64BigEndian(Take(8)),
            _ => throw Expected("an integer", -1),
        };
    }

    public double ReadDouble()
    {
        Need(1);
        var b = _data[Position++];
        return b switch
        {
            0xca => BinaryPrimitives.ReadSingleBigEndian(Take(4)),
            0xcb => BinaryPrimitives.ReadDoubleBigEndian(Take(8)),
            _ => throw Expected("a float", -1),
        };
    }

    public bool ReadBool()
    {
        Need(1);
        var b = _data[Position++];
        return b switch
        {
            0xc2 => false,
            0xc3 => true,
            _ => throw Expected("a boolean", -1),
        };
    }

    public void ReadNil()
    {
        Need(1);
        if (_data[Position++] != 0xc0)
        {
            throw Expected("nil", -1);
        }
    }

    /// <summary>An extension value: its type and data.</summary>
    public ReadOnlySpan<byte> ReadExtension(out sbyte type)
    {
        Need(1);
        var b = _data[Position];
        long n;
        switch (b)
        {
            case >= 0xd4 and <= 0xd8:
                n = 1 << (b - 0xd4);
                Position++;
                break;
            case 0xc7:
                n = ReadSize(1);
                break;
            case 0xc8:
                n = ReadSize(2);
                break;
            case 0xc9:
                n = ReadSize(4);
                break;
            default:
                throw Expected("an extension");
        }
        type = (sbyte)Take(1)[0];
        return Take(n);
    }

    /// <summary>Skips one value, whatever it holds.</summary>
    public void Skip()
    {
        if (!TryMeasure(_data[Position..], out var length))
        {
            throw new FormatException($"value at offset {Position} is cut short");
        }
        Position += length;
    }

    private long ReadSize(int bytes)
    {
        Need(1 + bytes);
        var s = _data.Slice(Position + 1, bytes);
        Position += 1 + bytes;
        return bytes switch
        {
            1 => s[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(s),
            _ => BinaryPrimitives.ReadUInt32BigEndian(s),
        };
    }

    private int Count(long n)
    {
        // Each element takes at least a byte: a count beyond what is left is a lie.
        if (n > _data.Length - Position)
        {
            throw new FormatException($"a count of {n} at offset {Position} exceeds the data left");
        }
        return (int)n;
    }

    private ReadOnlySpan<byte> Take(long n)
    {
        if (n > _data.Length - Position)
        {
            throw new FormatException($"{n} bytes wanted at offset {Position}, only {_data.Length - Position} left");
        }
        var s = _data.Slice(Position, (int)n);
        Position += (int)n;
        return s;
    }

    private readonly void Need(int n)
    {
        if (_data.Length - Position < n)
        {
            throw new FormatException($"data ends at offset {_data.Length} inside a value");
        }
    }

    private readonly FormatException Expected(string what, int back = 0) =>
        new($"expected {what} at offset {Position + back}, found byte 0x{_data[Position + back]:x2}");
}
