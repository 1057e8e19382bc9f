using System.Buffers;
using Vigie.Core;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Numbers whose text is exactly the canonical text of a 64-bit integer, stored as zigzag varints of
/// the difference to the previous present value (counters and ids then take a byte or two).
/// </summary>
/// <remarks>
/// Chosen only when every present value is <see cref="ValueKind.Number"/> and canonical (see
/// <see cref="NumberForms"/>), so formatting on decode reproduces the original bytes.
/// Differences wrap, so the extremes of <see cref="long"/> round-trip too.
/// </remarks>
internal static class Int64Encoding
{
    /// <summary>Writes the present values, as parsed by <see cref="EncodingPicker"/>, in row order.</summary>
    public static void Encode(ReadOnlySpan<long> values, ByteBuffer payload)
    {
        long prev = 0;
        foreach (var v in values)
        {
            payload.WriteZigZag(unchecked(v - prev));
            prev = v;
        }
    }

    /// <summary>The value of each row (0 where absent), without formatting any text.</summary>
    public static long[] DecodeValues(ref SpanReader reader, ValueKind[] kinds)
    {
        var values = new long[kinds.Length];
        DecodeValues(ref reader, kinds, values);
        return values;
    }

    /// <summary>The value of each row of <paramref name="kinds"/> into <paramref name="values"/> (0 where absent).</summary>
    public static void DecodeValues(ref SpanReader reader, ReadOnlySpan<ValueKind> kinds, Span<long> values)
    {
        long prev = 0;
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent)
            {
                prev = unchecked(prev + reader.ReadZigZag());
                values[r] = prev;
            }
            else
            {
                values[r] = 0;
            }
        }
    }

    /// <summary>The texts of values from <see cref="DecodeValues"/>: their canonical form, which is what was stored.</summary>
    public static (int[] Offsets, byte[] Bytes) Format(long[] values, ValueKind[] kinds, int presentRows, LentBuffers? lender = null)
    {
        var offsets = new int[kinds.Length + 1];
        return (offsets, Format(values, kinds, presentRows, lender, offsets));
    }

    /// <summary>Like the other overload, the offsets written into <paramref name="offsets"/> (one more than the rows).</summary>
    public static byte[] Format(ReadOnlySpan<long> values, ReadOnlySpan<ValueKind> kinds, int presentRows, LentBuffers? lender, Span<int> offsets)
    {
        offsets[0] = 0;
        var scratch = ArrayPool<byte>.Shared.Rent(Math.Max(1, presentRows * NumberForms.MaxInt64Chars));
        try
        {
            var length = 0;
            for (var r = 0; r < kinds.Length; r++)
            {
                if (kinds[r] != ValueKind.Absent)
                {
                    NumberForms.FormatInt64(values[r], scratch.AsSpan(length), out var n);
                    length += n;
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
}
