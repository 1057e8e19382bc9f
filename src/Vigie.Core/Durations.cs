using System.Globalization;
using System.Text;

namespace Vigie.Core;

/// <summary>Durations as users write them: <c>15m</c>, <c>1h30m</c>, <c>7d</c>, <c>500ms</c>, <c>2w</c>; in nanoseconds.</summary>
public static class Durations
{
    private static readonly (string Unit, long Nanos)[] Units =
    [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
        ("m", 60_000_000_000), ("h", 3_600_000_000_000), ("d", 86_400_000_000_000), ("w", 604_800_000_000_000),
        ("y", 365 * 86_400_000_000_000),
    ];

    public static bool TryParse(ReadOnlySpan<char> s, out long ns)
    {
        ns = 0;
        if (s.IsEmpty)
        {
            return false;
        }
        while (!s.IsEmpty)
        {
            var i = 0;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }
            if (i == 0 || !double.TryParse(s[..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }
            s = s[i..];
            var j = 0;
            while (j < s.Length && !char.IsAsciiDigit(s[j]) && s[j] != '.')
            {
                j++;
            }
            var unit = s[..j];
            s = s[j..];
            var found = false;
            foreach (var (name, nanos) in Units)
            {
                if (unit.Equals(name, StringComparison.Ordinal))
                {
                    ns += (long)(amount * nanos);
                    found = true;
                    break;
                }
            }
            if (!found)
            {
                return false;
            }
        }
        return ns > 0;
    }

    /// <summary>Formats with the largest units that divide exactly (<c>90m</c> → <c>1h30m</c>).</summary>
    public static string Format(long ns)
    {
        if (ns <= 0)
        {
            return "0s";
        }
        var sb = new StringBuilder();
        foreach (var (name, nanos) in Units.Where(u => u.Unit is not ("µs" or "y")).Reverse())
        {
            if (ns >= nanos)
            {
                sb.Append(ns / nanos).Append(name);
                ns %= nanos;
            }
        }
        return sb.ToString();
    }
}
