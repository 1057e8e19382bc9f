using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Vigie.Core;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Numbers whose text is exactly the shortest round-trip ("R") text of a double, stored as the
/// 8 little-endian bytes of the double; zstd then squeezes the shared exponent bits.
/// </summary>
/// <remarks>Chosen only when formatting the parsed double gives back the original bytes.</remarks>
internal static class Float64Encoding
{
    /// <summary>Writes the present values, as parsed by <see cref="EncodingPicker"/>, in row order.</summary>
    public static void Encode(ReadOnlySpan<double> values, ByteBuffer payload)
    {
        foreach (var v in values)
        {
            payload.WriteDouble(v);
        }
    }

    /// <summary>The value of each row (0 where absent), without formatting any text.</summary>
    /// <remarks>The present values lie back to back: they are taken as one span, then spread over the rows.</remarks>
    public static double[] DecodeValues(ref SpanReader reader, ValueKind[] kinds)
    {
        var values = new double[kinds.Length];
        DecodeValues(ref reader, kinds, values);
        return values;
    }

    /// <summary>The value of each row of <paramref name="kinds"/> into <paramref name="values"/> (0 where absent).</summary>
    public static void DecodeValues(ref SpanReader reader, ReadOnlySpan<ValueKind> kinds, Span<double> values)
    {
        var present = kinds.Length - kinds.Count(ValueKind.Absent);
        var stored = reader.ReadBytes(checked(present * sizeof(double)));
        if (present == kinds.Length && BitConverter.IsLittleEndian)
        {
            stored.CopyTo(MemoryMarshal.AsBytes(values[..kinds.Length]));
            return;
        }
        var at = 0;
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent)
            {
                values[r] = BinaryPrimitives.ReadDoubleLittleEndian(stored.Slice(at, sizeof(double)));
                at += sizeof(double);
            }
            else
            {
                values[r] = 0;
            }
        }
    }

    /// <summary>The texts of values from <see cref="DecodeValues"/>: their round-trip form, which is what was stored.</summary>
    public static (int[] Offsets, byte[] Bytes) Format(double[] values, ValueKind[] kinds, int presentRows, LentBuffers? lender = null)
    {
        var offsets = new int[kinds.Length + 1];
        return (offsets, Format(values, kinds, presentRows, lender, offsets));
    }

    /// <summary>Like the other overload, the offsets written into <paramref name="offsets"/> (one more than the rows).</summary>
    public static byte[] Format(ReadOnlySpan<double> values, ReadOnlySpan<ValueKind> kinds, int presentRows, LentBuffers? lender, Span<int> offsets)
    {
        offsets[0] = 0;
        var scratch = ArrayPool<byte>.Shared.Rent(Math.Max(1, presentRows * NumberForms.MaxFloat64Chars));
        try
        {
            var length = 0;
            for (var r = 0; r < kinds.Length; r++)
            {
                if (kinds[r] != ValueKind.Absent)
                {
                    NumberForms.FormatFloat64(values[r], scratch.AsSpan(length), out var n);
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
