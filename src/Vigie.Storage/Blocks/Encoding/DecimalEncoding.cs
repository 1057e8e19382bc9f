using System.Buffers;
using Vigie.Core;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Numbers written as plain canonical decimals (<c>12.5</c>, <c>-0.034</c>, <c>7</c>: no exponent,
/// no leading zero but a lone one before the point, no trailing zero after it, not <c>-0</c>),
/// stored as integers: one scale byte s (the most fraction digits of the column's values, ≤ 15),
/// then the values × 10^s by frame of reference as <see cref="PackedInt64Encoding"/> stores
/// integers (smallest value, width, bit-packed offsets). A duration of milliseconds with three
/// decimals costs 2–3 bytes instead of the 8 of a double, and decodes without a varint loop.
/// </summary>
/// <remarks>
/// Every scaled value stays below 2^53 in magnitude, so it and 10^s are exact doubles and their
/// quotient is the correctly rounded value of the decimal text: the very double parsing the text
/// gives. Formatting the integer with s decimals and trimming the trailing zeros (and a bare point)
/// gives back the canonical text, hence the exact round trip.
/// </remarks>
internal static class DecimalEncoding
{
    public const int MaxScale = 15;

    /// <summary>2^53: the scaled values stay below it, where every integer is an exact double.</summary>
    private const long MaxMantissa = 1L << 53;

    private static readonly long[] Powers = [.. Enumerable.Range(0, MaxScale + 1).Select(i => (long)Math.Pow(10, i))];

    /// <summary>Parses a canonical decimal into its digits as an integer and its number of fraction digits.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out long mantissa, out int scale)
    {
        mantissa = 0;
        scale = 0;
        var at = 0;
        var negative = text.Length > 0 && text[0] == (byte)'-';
        if (negative)
        {
            at = 1;
        }
        var intStart = at;
        while (at < text.Length && (uint)(text[at] - '0') <= 9)
        {
            at++;
        }
        var intDigits = at - intStart;
        if (intDigits == 0 || (intDigits > 1 && text[intStart] == (byte)'0'))
        {
            return false;
        }
        var fracDigits = 0;
        if (at < text.Length)
        {
            if (text[at] != (byte)'.')
            {
                return false;
            }
            at++;
            var fracStart = at;
            while (at < text.Length && (uint)(text[at] - '0') <= 9)
            {
                at++;
            }
            fracDigits = at - fracStart;
            if (at != text.Length || fracDigits == 0 || text[at - 1] == (byte)'0')
            {
                return false;
            }
        }
        if (fracDigits > MaxScale || intDigits + fracDigits > 16)
        {
            return false;
        }
        long value = 0;
        foreach (var c in text[intStart..])
        {
            if (c != (byte)'.')
            {
                value = value * 10 + (c - '0');
            }
        }
        if (value >= MaxMantissa || (negative && value == 0))
        {
            return false;
        }
        mantissa = negative ? -value : value;
        scale = fracDigits;
        return true;
    }

    /// <summary>Rescales the mantissas to <paramref name="scale"/>; false if one would reach 2^53.</summary>
    public static bool TryRescale(Span<long> mantissas, ReadOnlySpan<byte> scales, int scale)
    {
        for (var i = 0; i < mantissas.Length; i++)
        {
            var factor = Powers[scale - scales[i]];
            if (Math.Abs(mantissas[i]) > (MaxMantissa - 1) / factor)
            {
                return false;
            }
            mantissas[i] *= factor;
        }
        return true;
    }

    public static void Encode(ReadOnlySpan<long> mantissas, int scale, ByteBuffer payload, Span<ulong> scratch)
    {
        payload.WriteByte((byte)scale);
        PackedInt64Encoding.PackedBytes(mantissas, out var min, out var width);
        PackedInt64Encoding.Encode(mantissas, min, width, payload, scratch);
    }

    /// <summary>The scaled integer of each row (0 where absent) and the scale.</summary>
    public static (long[] Mantissas, int Scale) DecodeValues(ref SpanReader reader, ValueKind[] kinds, int presentRows)
    {
        var values = new long[kinds.Length];
        return (values, DecodeValues(ref reader, kinds, presentRows, values));
    }

    /// <summary>The scaled integer of each row of <paramref name="kinds"/> into <paramref name="mantissas"/> (0 where absent); returns the scale.</summary>
    public static int DecodeValues(ref SpanReader reader, ReadOnlySpan<ValueKind> kinds, int presentRows, Span<long> mantissas)
    {
        int scale = reader.ReadByte();
        if (scale > MaxScale)
        {
            throw new InvalidDataException($"decimal scale {scale} above {MaxScale}");
        }
        var values = mantissas[..kinds.Length];
        PackedInt64Encoding.DecodeValues(ref reader, kinds, presentRows, values);
        foreach (var m in values)
        {
            if (m is >= MaxMantissa or <= -MaxMantissa)
            {
                throw new InvalidDataException($"decimal value {m} beyond 2^53");
            }
        }
        return scale;
    }

    /// <summary>The value of each row as a double, the same as parsing its text.</summary>
    public static double[] ToNumbers(long[] mantissas, int scale)
    {
        var numbers = new double[mantissas.Length];
        double divisor = Powers[scale];
        for (var i = 0; i < numbers.Length; i++)
        {
            numbers[i] = mantissas[i] / divisor;
        }
        return numbers;
    }

    /// <summary>The canonical texts of values from <see cref="DecodeValues"/>.</summary>
    public static (int[] Offsets, byte[] Bytes) Format(long[] mantissas, int scale, ValueKind[] kinds, int presentRows, LentBuffers? lender = null)
    {
        var offsets = new int[kinds.Length + 1];
        return (offsets, Format(mantissas, scale, kinds, presentRows, lender, offsets));
    }

    /// <summary>Like the other overload, the offsets written into <paramref name="offsets"/> (one more than the rows).</summary>
    public static byte[] Format(ReadOnlySpan<long> mantissas, int scale, ReadOnlySpan<ValueKind> kinds, int presentRows, LentBuffers? lender, Span<int> offsets)
    {
        offsets[0] = 0;
        // sign, 16 digits, a point and a leading zero
        var scratch = ArrayPool<byte>.Shared.Rent(Math.Max(1, presentRows * 20));
        try
        {
            var length = 0;
            for (var r = 0; r < kinds.Length; r++)
            {
                if (kinds[r] != ValueKind.Absent)
                {
                    length += Write(mantissas[r], scale, scratch.AsSpan(length));
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

    private static int Write(long mantissa, int scale, Span<byte> target)
    {
        var n = 0;
        if (mantissa < 0)
        {
            target[n++] = (byte)'-';
            mantissa = -mantissa;
        }
        var factor = Powers[scale];
        var integer = mantissa / factor;
        var fraction = mantissa % factor;
        integer.TryFormat(target[n..], out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        n += written;
        if (fraction == 0)
        {
            return n;
        }
        var digits = scale;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            digits--;
        }
        target[n++] = (byte)'.';
        for (var i = digits - 1; i >= 0; i--)
        {
            target[n + i] = (byte)('0' + (fraction % 10));
            fraction /= 10;
        }
        return n + digits;
    }
}
