namespace Vigie.Core;

/// <summary>
/// IPv4 addresses written the canonical way: four decimal numbers 0..255 without leading zeros,
/// joined by dots. Only such a text formats back to the same bytes from its 4-byte address, which
/// is what lets the store keep it as a number and a query count it as one.
/// </summary>
public static class CanonicalIpv4
{
    /// <summary>The longest canonical text: <c>255.255.255.255</c>.</summary>
    public const int MaxChars = 15;

    /// <summary>Parses a canonical dotted quad; false for anything that would not format back to the same bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out uint address)
    {
        address = 0;
        if (text.Length is < 7 or > MaxChars)
        {
            return false;
        }
        var at = 0;
        for (var part = 0; part < 4; part++)
        {
            if (part > 0)
            {
                if (at >= text.Length || text[at] != (byte)'.')
                {
                    return false;
                }
                at++;
            }
            var start = at;
            uint value = 0;
            while (at < text.Length && at - start < 3 && (uint)(text[at] - '0') <= 9)
            {
                value = value * 10 + (uint)(text[at] - '0');
                at++;
            }
            var digits = at - start;
            if (digits == 0 || value > 255 || (digits > 1 && text[start] == (byte)'0'))
            {
                return false;
            }
            address = (address << 8) | value;
        }
        return at == text.Length;
    }
}
