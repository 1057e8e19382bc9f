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
}
