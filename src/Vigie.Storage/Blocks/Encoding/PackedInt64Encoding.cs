using Vigie.Core;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Canonical 64-bit integers (as for <see cref="Int64Encoding"/>) stored by frame of reference:
/// the smallest value as a zigzag varint, a width byte w, then each present value minus the
/// smallest packed at w bits (<see cref="BitPacking"/>). Sizes and counts spread over a range
/// (bytes sent: 0..50,000) take ⌈log2(range)⌉ bits each, where the differences between
/// neighbours that <see cref="Int64Encoding"/> stores take twice the range and whole bytes.
/// </summary>
/// <remarks>
/// The picker takes it when its packed bytes are fewer than the Int64 varints would be. Offsets
/// from the smallest value are unsigned 64-bit differences, so the extremes of <see cref="long"/>
/// round-trip too.
/// </remarks>
internal static class PackedInt64Encoding
{
    /// <summary>The payload size for these values, to compare with <see cref="Int64VarintBytes"/>.</summary>
    public static long PackedBytes(ReadOnlySpan<long> values, out long min, out int width)
    {
        min = long.MaxValue;
        var max = long.MinValue;
        foreach (var v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        width = values.IsEmpty ? 0 : BitPacking.Width(unchecked((ulong)(max - min)));
        return Varint.Length(Varint.ZigZag(min)) + 1 + BitPacking.ByteCount(values.Length, width);
    }

    /// <summary>The payload size of <see cref="Int64Encoding"/> for these values.</summary>
    public static long Int64VarintBytes(ReadOnlySpan<long> values)
    {
        long total = 0;
        long prev = 0;
        foreach (var v in values)
        {
            total += Varint.Length(Varint.ZigZag(unchecked(v - prev)));
            prev = v;
        }
        return total;
    }

    public static void Encode(ReadOnlySpan<long> values, long min, int width, ByteBuffer payload, Span<ulong> scratch)
    {
        payload.WriteZigZag(min);
        payload.WriteByte((byte)width);
        var offsets = scratch[..values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            offsets[i] = unchecked((ulong)(values[i] - min));
        }
        BitPacking.Pack(offsets, width, payload);
    }

    /// <summary>The value of each row (0 where absent).</summary>
    public static long[] DecodeValues(ref SpanReader reader, ValueKind[] kinds, int presentRows)
    {
        var values = new long[kinds.Length];
        DecodeValues(ref reader, kinds, presentRows, values);
        return values;
    }

    /// <summary>The value of each row of <paramref name="kinds"/> into <paramref name="values"/> (0 where absent).</summary>
    public static void DecodeValues(ref SpanReader reader, ReadOnlySpan<ValueKind> kinds, int presentRows, Span<long> values)
    {
        var min = reader.ReadZigZag();
        int width = reader.ReadByte();
        if (width > 64)
        {
            throw new InvalidDataException($"packed integers of width {width}");
        }
        var packed = reader.ReadBytes(BitPacking.ByteCount(presentRows, width));
        var at = 0;
        for (var r = 0; r < kinds.Length; r++)
        {
            values[r] = kinds[r] != ValueKind.Absent ? unchecked(min + (long)BitPacking.Read(packed, at++, width)) : 0;
        }
    }
}
