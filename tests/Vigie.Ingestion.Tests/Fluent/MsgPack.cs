using System.Buffers.Binary;
using System.Text;

namespace Vigie.Ingestion.Tests.Fluent;

/// <summary>A small MessagePack writer for building Fluent Forward frames in tests.</summary>
internal sealed class MsgPack
{
    private readonly List<byte> _bytes = [];

    public byte[] ToArray() => [.. _bytes];

    public MsgPack Array(int n)
    {
        if (n < 16)
        {
            _bytes.Add((byte)(0x90 | n));
        }
        else
        {
            _bytes.Add(0xdc);
            Be16(n);
        }
        return this;
    }

    public MsgPack Map(int n)
    {
        if (n < 16)
        {
            _bytes.Add((byte)(0x80 | n));
        }
        else
        {
            _bytes.Add(0xde);
            Be16(n);
        }
        return this;
    }

    public MsgPack Str(string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        if (b.Length < 32)
        {
            _bytes.Add((byte)(0xa0 | b.Length));
        }
        else
        {
            _bytes.Add(0xdb);
            Be32(b.Length);
        }
        _bytes.AddRange(b);
        return this;
    }

    public MsgPack Bin(byte[] b)
    {
        _bytes.Add(0xc6);
        Be32(b.Length);
        _bytes.AddRange(b);
        return this;
    }

    public MsgPack Int(long v)
    {
        _bytes.Add(0xd3);
        var s = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(s, v);
        _bytes.AddRange(s);
        return this;
    }

    public MsgPack Bool(bool v)
    {
        _bytes.Add(v ? (byte)0xc3 : (byte)0xc2);
        return this;
    }

    public MsgPack Double(double v)
    {
        _bytes.Add(0xcb);
        var s = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(s, v);
        _bytes.AddRange(s);
        return this;
    }

    public MsgPack Nil()
    {
        _bytes.Add(0xc0);
        return this;
    }

    /// <summary>Fluent's EventTime: extension type 0, seconds and nanoseconds as big-endian uint32.</summary>
    public MsgPack EventTime(uint seconds, uint nanos)
    {
        _bytes.Add(0xd7);
        _bytes.Add(0);
        var s = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(s, seconds);
        BinaryPrimitives.WriteUInt32BigEndian(s.AsSpan(4), nanos);
        _bytes.AddRange(s);
        return this;
    }

    public MsgPack Raw(byte[] b)
    {
        _bytes.AddRange(b);
        return this;
    }

    private void Be16(int n)
    {
        _bytes.Add((byte)(n >> 8));
        _bytes.Add((byte)n);
    }

    private void Be32(int n)
    {
        var s = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(s, n);
        _bytes.AddRange(s);
    }
}
