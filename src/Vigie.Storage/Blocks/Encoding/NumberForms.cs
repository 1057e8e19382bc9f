using System.Globalization;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// The exact-round-trip tests behind the numeric encodings: a text qualifies only if formatting the
/// parsed number gives back the very same bytes, so "007", "+5", "-0" or "1.0" stay text.
/// </summary>
internal static class NumberForms
{
    public const int MaxInt64Chars = 20;

    public const int MaxFloat64Chars = 32;

    public static bool TryParseCanonicalInt64(ReadOnlySpan<byte> text, out long value)
    {
        if (TryParseShortInteger(text, out value, out var decided))
        {
            return true;
        }
        if (decided)
        {
            return false;
        }
        return TryParseCanonicalInt64Formatted(text, out value);
    }

    /// <summary>The test as defined: parse, format, compare; for what the short paths leave undecided.</summary>
    private static bool TryParseCanonicalInt64Formatted(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > MaxInt64Chars || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }
        Span<byte> formatted = stackalloc byte[MaxInt64Chars];
        return value.TryFormat(formatted, out var n, default, CultureInfo.InvariantCulture) && formatted[..n].SequenceEqual(text);
    }

    public static bool TryParseCanonicalFloat64(ReadOnlySpan<byte> text, out double value)
    {
        if (TryParseShortDecimal(text, out value))
        {
            return true;
        }
        return TryParseCanonicalFloat64Formatted(text, out value);
    }

    /// <summary>The test as defined: parse, format ("R"), compare; for what the short path leaves undecided.</summary>
    private static bool TryParseCanonicalFloat64Formatted(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > MaxFloat64Chars || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }
        Span<byte> formatted = stackalloc byte[MaxFloat64Chars];
        return FormatFloat64(value, formatted, out var n) && formatted[..n].SequenceEqual(text);
    }

    public static bool FormatInt64(long value, Span<byte> destination, out int written) =>
        value.TryFormat(destination, out written, default, CultureInfo.InvariantCulture);

    public static bool FormatFloat64(double value, Span<byte> destination, out int written) =>
        value.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture);

    /// <summary>
    /// Decides integers of at most 18 digits without the parse-and-format round trip (which cost a
    /// good part of a flush's encoding picker): such a text is canonical exactly when it is an
    /// optional '-' and digits without a leading zero, and is not "-0". <paramref name="decided"/>
    /// tells a surely non-canonical text from one left to the general test (19 digits and more).
    /// </summary>
    private static bool TryParseShortInteger(ReadOnlySpan<byte> text, out long value, out bool decided)
    {
        value = 0;
        decided = true;
        var negative = !text.IsEmpty && text[0] == (byte)'-';
        var digits = negative ? text[1..] : text;
        if (digits.IsEmpty || (digits[0] == (byte)'0' && (digits.Length > 1 || negative)))
        {
            return false;
        }
        if (digits.Length > 18)
        {
            decided = false;
            return false;
        }
        long v = 0;
        foreach (var b in digits)
        {
            var d = (uint)(b - '0');
            if (d > 9)
            {
                return false;
            }
            v = v * 10 + d;
        }
        value = negative ? -v : v;
        return true;
    }

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// The usual decimals ("0.125", "-12.5") without the parse-and-format round trip. A text of the
    /// form -?(0|[1-9]d{0,13}).d*[1-9] with at most 15 significant digits and at most 3 zeros right
    /// after "0." is canonical: two decimals of at most 15 significant digits are never the same
    /// double, so the shortest round-trip text of its double has its very digits, and "R" writes
    /// numbers from 1e-4 to below 1e14 in this fixed notation. Its double is the digits as an integer
    /// (exact below 2^53) divided by a power of ten (exact up to 1e22): one correctly rounded
    /// division, the same double a full parse gives. False means "not decided here", not "not canonical".
    /// </summary>
    private static bool TryParseShortDecimal(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        var i = 0;
        var negative = text.Length > 0 && text[0] == (byte)'-';
        if (negative)
        {
            i = 1;
        }
        var dot = text.IndexOf((byte)'.');
        if (dot <= i || dot == text.Length - 1 || text[^1] == (byte)'0')
        {
            return false;
        }
        var intDigits = dot - i;
        if (intDigits > 14 || (intDigits > 1 && text[i] == (byte)'0'))
        {
            return false;
        }
        long mantissa = 0;
        var significant = 0;
        var leadingZeros = 0;
        for (var j = i; j < text.Length; j++)
        {
            if (j == dot)
            {
                continue;
            }
            var d = (uint)(text[j] - '0');
            if (d > 9)
            {
                return false;
            }
            if (mantissa == 0 && d == 0)
            {
                if (j > dot)
                {
                    leadingZeros++;
                }
                continue;
            }
            mantissa = mantissa * 10 + d;
            if (++significant > 15)
            {
                return false;
            }
        }
        if (mantissa == 0 || (text[i] == (byte)'0' && leadingZeros > 3))
        {
            return false;
        }
        var fractionDigits = text.Length - dot - 1;
        var magnitude = mantissa / PowersOfTen[fractionDigits];
        value = negative ? -magnitude : magnitude;
        return true;
    }
}
