using System.Globalization;
using System.Text;
using Vigie.Core;

namespace Vigie.Ingestion.Protocols;

/// <summary>Reads the time values protocols carry as text: RFC 3339 or a Unix epoch (s, ms, µs or ns).</summary>
public static class TimeText
{
    private const int MaxChars = 64;

    public static bool TryParse(ReadOnlySpan<byte> utf8, out long ns)
    {
        ns = 0;
        if (utf8.Length == 0 || utf8.Length > MaxChars)
        {
            return false;
        }
        Span<char> text = stackalloc char[MaxChars];
        if (!Encoding.UTF8.TryGetChars(utf8, text, out var length))
        {
            return false;
        }
        return TryParse(text[..length], out ns);
    }

    public static bool TryParse(ReadOnlySpan<char> text, out long ns)
    {
        if (Timestamps.TryParseRfc3339(text, out ns))
        {
            return true;
        }
        // Timestamps.TryParseEpoch throws on integer-looking text that overflows; such text is no epoch.
        if (text.IndexOfAny('.', 'e', 'E') < 0 && !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            ns = 0;
            return false;
        }
        return Timestamps.TryParseEpoch(text, out ns);
    }
}
