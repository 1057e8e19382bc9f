using System.Buffers;
using System.Buffers.Binary;
using Vigie.Core;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// IPv4 addresses written the canonical way (four decimal numbers 0..255 without leading zeros,
/// joined by dots) stored as their 4 bytes in network order, about half their text: zstd then finds
/// the shared leading bytes of addresses of one network. Any other spelling (<c>01.2.3.4</c>,
/// <c>1.2.3</c>, <c>::1</c>) keeps the column Raw, so that the text comes back byte for byte.
/// </summary>
internal static class Ipv4Encoding
{
    /// <summary>The longest canonical text: <c>255.255.255.255</c>.</summary>
    public const int MaxChars = CanonicalIpv4.MaxChars;

    /// <summary>Parses a canonical dotted quad; false for anything that would not format back to the same bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out uint address) => CanonicalIpv4.TryParse(text, out address);

    /// <summary>Writes the addresses of the present rows, as parsed by <see cref="EncodingPicker"/>, 4 bytes each.</summary>
    public static void Encode(ReadOnlySpan<uint> addresses, ByteBuffer payload)
    {
        var target = payload.GetSpan(addresses.Length * 4);
        for (var i = 0; i < addresses.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(target[(i * 4)..], addresses[i]);
        }
        payload.Advance(addresses.Length * 4);
    }

    /// <summary>The address of each row (0 where absent).</summary>
    public static uint[] DecodeValues(ref SpanReader reader, ValueKind[] kinds, int presentRows)
    {
        var values = new uint[kinds.Length];
        DecodeValues(ref reader, kinds, presentRows, values);
        return values;
    }

    /// <summary>The address of each row of <paramref name="kinds"/> into <paramref name="values"/> (0 where absent).</summary>
    public static void DecodeValues(ref SpanReader reader, ReadOnlySpan<ValueKind> kinds, int presentRows, Span<uint> values)
    {
        var stored = reader.ReadBytes(checked(presentRows * 4));
        var at = 0;
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent)
            {
                values[r] = BinaryPrimitives.ReadUInt32BigEndian(stored[at..]);
                at += 4;
            }
            else
            {
                values[r] = 0;
            }
        }
    }

    /// <summary>The canonical texts of values from <see cref="DecodeValues"/>.</summary>
    public static (int[] Offsets, byte[] Bytes) Format(uint[] values, ValueKind[] kinds, int presentRows, LentBuffers? lender = null)
    {
        var offsets = new int[kinds.Length + 1];
        return (offsets, Format(values, kinds, presentRows, lender, offsets));
    }

    /// <summary>Like the other overload, the offsets written into <paramref name="offsets"/> (one more than the rows).</summary>
    public static byte[] Format(ReadOnlySpan<uint> values, ReadOnlySpan<ValueKind> kinds, int presentRows, LentBuffers? lender, Span<int> offsets)
    {
        offsets[0] = 0;
        var scratch = ArrayPool<byte>.Shared.Rent(Math.Max(1, presentRows * MaxChars));
        try
        {
            var length = 0;
            for (var r = 0; r < kinds.Length; r++)
            {
                if (kinds[r] != ValueKind.Absent)
                {
                    length += Write(values[r], scratch.AsSpan(length));
                }
                offsets[r + 1] = length;
            }
            return LentBuffers.CopyOut(scratch.AsSpan(0, length), lender);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static int Write(uint address, Span<byte> target)
    {
        var n = 0;
        for (var shift = 24; shift >= 0; shift -= 8)
        {
            var part = (address >> shift) & 0xFF;
            if (shift != 24)
            {
                target[n++] = (byte)'.';
            }
            if (part >= 100)
            {
                target[n++] = (byte)('0' + (part / 100));
            }
            if (part >= 10)
            {
                target[n++] = (byte)('0' + (part / 10 % 10));
            }
            target[n++] = (byte)('0' + (part % 10));
        }
        return n;
    }
}
