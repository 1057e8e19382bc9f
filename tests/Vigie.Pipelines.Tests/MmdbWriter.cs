using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Vigie.Pipelines.Tests;

/// <summary>
/// A minimal writer of MaxMind DB files (IPv4 tree, 24-bit records), after the public MaxMind DB
/// format specification, so that the GeoIP tests use a database of their own.
/// </summary>
internal sealed class MmdbWriter
{
    private readonly List<int[]> _nodes = [[-1, -1]];
    private readonly MemoryStream _data = new();
    private const int Empty = -1;

    /// <summary>Maps every address of <paramref name="network"/>/<paramref name="prefix"/> to <paramref name="record"/>.</summary>
    public void Insert(string network, int prefix, Dictionary<string, object> record)
    {
        var offset = (int)_data.Length;
        Encode(_data, record);
        var bits = BinaryPrimitives.ReadUInt32BigEndian(IPAddress.Parse(network).GetAddressBytes());
        var node = 0;
        for (var i = 0; i < prefix; i++)
        {
            var bit = (int)((bits >> (31 - i)) & 1);
            if (i == prefix - 1)
            {
                _nodes[node][bit] = -2 - offset; // a data pointer, resolved when written
                return;
            }
            if (_nodes[node][bit] < 0)
            {
                _nodes.Add([Empty, Empty]);
                _nodes[node][bit] = _nodes.Count - 1;
            }
            node = _nodes[node][bit];
        }
    }

    public byte[] Build()
    {
        var output = new MemoryStream();
        var count = _nodes.Count;
        foreach (var n in _nodes)
        {
            foreach (var r in n)
            {
                var value = r >= 0 ? r : r == Empty ? count : count + 16 + (-2 - r);
                output.WriteByte((byte)(value >> 16));
                output.WriteByte((byte)(value >> 8));
                output.WriteByte((byte)value);
            }
        }
        output.Write(new byte[16]);
        _data.WriteTo(output);
        output.Write([0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8]);
        Encode(output, new Dictionary<string, object>
        {
            ["node_count"] = (uint)count,
            ["record_size"] = (ushort)24,
            ["ip_version"] = (ushort)4,
            ["database_type"] = "Vigie-Test-City",
            ["languages"] = new object[] { "en" },
            ["binary_format_major_version"] = (ushort)2,
            ["binary_format_minor_version"] = (ushort)0,
            ["build_epoch"] = 1_764_000_000UL,
            ["description"] = new Dictionary<string, object> { ["en"] = "test database" },
        });
        return output.ToArray();
    }

    private static void Encode(Stream s, object value)
    {
        switch (value)
        {
            case string str:
                var bytes = Encoding.UTF8.GetBytes(str);
                Control(s, 2, bytes.Length);
                s.Write(bytes);
                break;
            case double d:
                Control(s, 3, 8);
                Span<byte> b8 = stackalloc byte[8];
                BinaryPrimitives.WriteDoubleBigEndian(b8, d);
                s.Write(b8);
                break;
            case ushort u16:
                Unsigned(s, 5, u16);
                break;
            case uint u32:
                Unsigned(s, 6, u32);
                break;
            case ulong u64:
                Unsigned(s, 9, u64);
                break;
            case Dictionary<string, object> map:
                Control(s, 7, map.Count);
                foreach (var (k, v) in map)
                {
                    Encode(s, k);
                    Encode(s, v);
                }
                break;
            case object[] array:
                Control(s, 11, array.Length);
                foreach (var v in array)
                {
                    Encode(s, v);
                }
                break;
            default:
                throw new ArgumentException($"cannot encode {value.GetType()}");
        }
    }

    private static void Unsigned(Stream s, int type, ulong v)
    {
        var n = 0;
        for (var x = v; x != 0; x >>= 8)
        {
            n++;
        }
        Control(s, type, n);
        for (var i = n - 1; i >= 0; i--)
        {
            s.WriteByte((byte)(v >> (8 * i)));
        }
    }

    /// <summary>The control byte: type in the top 3 bits (extended types in a second byte), then the size.</summary>
    private static void Control(Stream s, int type, int size)
    {
        var first = type <= 7 ? type << 5 : 0;
        if (size < 29)
        {
            s.WriteByte((byte)(first | size));
            if (type > 7)
            {
                s.WriteByte((byte)(type - 7));
            }
            return;
        }
        if (size < 285)
        {
            s.WriteByte((byte)(first | 29));
            if (type > 7)
            {
                s.WriteByte((byte)(type - 7));
            }
            s.WriteByte((byte)(size - 29));
            return;
        }
        throw new ArgumentException("sizes past 284 are not needed by these tests");
    }
}
