using System.Globalization;
using Vigie.Core;

namespace Vigie.Query.Pipes.Stats;

/// <summary>
/// The texts that blocks may hold as numbers rather than text: canonical 64-bit integers and canonical
/// dotted-quad IPv4 addresses (the forms of the store's Int64 and Ipv4 encodings, which format back
/// to exactly these bytes). A text has at most one of the two forms: an address has dots, an
/// integer none. <c>count_distinct</c> keeps such texts as their number, so a value counts once
/// whether a block stored it as a number or as text.
/// </summary>
internal static class CanonicalForms
{
    private const int MaxInt64Chars = 20;

    /// <summary>Whether <paramref name="text"/> is what formatting some <see cref="long"/> (invariant culture) gives.</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > MaxInt64Chars)
        {
            return false;
        }
        var negative = text[0] == (byte)'-';
        var digits = negative ? text[1..] : text;
        // no leading zero (except "0" itself), no "-0", digits only
        if (digits.IsEmpty || (digits[0] == (byte)'0' && (digits.Length > 1 || negative)) || digits.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            return false;
        }
        if (digits.Length <= 18)
        {
            long v = 0;
            foreach (var d in digits)
            {
                v = (v * 10) + (d - '0');
            }
            value = negative ? -v : v;
            return true;
        }
        // 19 or 20 digits: within range or not, as parsing decides
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Whether <paramref name="text"/> is four decimal numbers 0..255 without leading zeros, joined by dots.</summary>
    public static bool TryParseIpv4(ReadOnlySpan<byte> text, out uint address) => CanonicalIpv4.TryParse(text, out address);
}
