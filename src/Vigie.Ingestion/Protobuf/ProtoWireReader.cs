using Vigie.Ingestion.Protocols;

namespace Vigie.Ingestion.Protobuf;

/// <summary>
/// Reads the fields of one protobuf message (a slice of a larger body) in wire order, without
/// message objects. Errors name the format and the byte of the body where the message stops making
/// sense, as <see cref="MalformedBodyException"/>.
/// </summary>
public ref struct ProtoWireReader
{
    /// <summary>How deep groups (a deprecated wire form, still valid) may nest before a body is refused.</summary>
    public const int MaxGroupDepth = 100;

    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int Len = 2;
    public const int StartGroup = 3;
    public const int EndGroup = 4;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _body;
    private readonly int _end;
    private readonly string _format;
    private int _position;

    /// <param name="body">The whole body (positions in errors are offsets in it).</param>
    /// <param name="start">Where the message starts.</param>
    /// <param name="end">Where it ends.</param>
    /// <param name="format">What the body is, for errors: "invalid <paramref name="format"/> at byte N: ...".</param>
    public ProtoWireReader(ReadOnlySpan<byte> body, int start, int end, string format)
    {
        _body = body;
        _position = start;
        _end = end;
        _format = format;
    }

    public readonly int Position => _position;

    /// <summary>Reads the next tag; false at the end of the message.</summary>
    public bool TryReadTag(out int field, out int wireType)
    {
        if (_position >= _end)
        {
            field = 0;
            wireType = 0;
            return false;
        }
        var at = _position;
        var tag = ReadVarint();
        if (tag >> 3 == 0)
        {
            throw Malformed(at, "a field tag with field number 0");
        }
        if (tag >> 3 > int.MaxValue)
        {
            throw Malformed(at, "a field number out of range");
        }
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        if (wireType > Fixed32)
        {
            throw Malformed(at, $"an invalid wire type {wireType}");
        }
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _end)
            {
                throw Truncated();
            }
            var b = _body[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw Malformed(_position - 1, "a varint longer than 10 bytes");
    }

    public ulong ReadFixed64()
    {
        if (_end - _position < 8)
        {
            throw Truncated();
        }
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(_body.Slice(_position, 8));
        _position += 8;
        return value;
    }

    /// <summary>Reads a length-delimited field's bounds: [start, end) in the body.</summary>
    public (int Start, int End) ReadLength()
    {
        var at = _position;
        var length = ReadVarint();
        if (length > (ulong)(_end - _position))
        {
            throw length > int.MaxValue ? Malformed(at, "a negative or huge length") : Truncated();
        }
        var start = _position;
        _position += (int)length;
        return (start, _position);
    }

    /// <summary>Skips the value of a field of <paramref name="wireType"/> (whose tag was just read).</summary>
    public void Skip(int field, int wireType)
    {
        switch (wireType)
        {
            case Varint:
                ReadVarint();
                break;
            case Fixed64:
                Advance(8);
                break;
            case Len:
                ReadLength();
                break;
            case Fixed32:
                Advance(4);
                break;
            case StartGroup:
                SkipGroup(field, 0);
                break;
            default:
                throw Malformed(_position - 1, "an end-group tag without its start");
        }
    }

    private void SkipGroup(int field, int depth)
    {
        if (depth >= MaxGroupDepth)
        {
            throw Malformed(_position, "groups nested too deep");
        }
        while (TryReadTag(out var inner, out var wireType))
        {
            if (wireType == EndGroup)
            {
                if (inner != field)
                {
                    throw Malformed(_position - 1, "an end-group tag that does not match its start");
                }
                return;
            }
            if (wireType == StartGroup)
            {
                SkipGroup(inner, depth + 1);
            }
            else
            {
                Skip(inner, wireType);
            }
        }
        throw Truncated();
    }

    private void Advance(int bytes)
    {
        if (_end - _position < bytes)
        {
            throw Truncated();
        }
        _position += bytes;
    }

    private readonly MalformedBodyException Truncated() =>
        Malformed(_position, "the message ends in the middle of a field (truncated body or wrong length)");

    private readonly MalformedBodyException Malformed(int position, string reason) => Malformed(_format, position, reason);

    public static MalformedBodyException Malformed(string format, int position, string reason) =>
        new($"invalid {format} at byte {position}: {reason}");
}
