using System.Globalization;

namespace Vigie.Cli.Arguments;

/// <summary>
/// Sizes as people write them: <c>20GB</c>, <c>500MB</c>, <c>1.5GiB</c>, <c>4096</c>. KB, MB, GB, TB, PB
/// are powers of 1000 and KiB, MiB, GiB, TiB, PiB powers of 1024, as the SI and IEC define them;
/// units are case-insensitive and may follow a space.
/// </summary>
public static class ByteSize
{
    private static readonly (string Unit, double Bytes)[] Units =
    [
        ("kib", 1024d), ("mib", 1024d * 1024), ("gib", 1024d * 1024 * 1024), ("tib", 1024d * 1024 * 1024 * 1024), ("pib", 1024d * 1024 * 1024 * 1024 * 1024),
        ("kb", 1e3), ("mb", 1e6), ("gb", 1e9), ("tb", 1e12), ("pb", 1e15), ("b", 1),
    ];

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var s = text.Trim();
        var end = 0;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] == '.'))
        {
            end++;
        }
        if (end == 0 || !double.TryParse(s.AsSpan(0, end), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }
        var unit = s[end..].Trim().ToLowerInvariant();
        var multiplier = 1d;
        if (unit.Length > 0)
        {
            var found = Array.FindIndex(Units, u => u.Unit == unit);
            if (found < 0)
            {
                return false;
            }
            multiplier = Units[found].Bytes;
        }
        var total = Math.Floor(amount * multiplier);
        if (total >= long.MaxValue)
        {
            return false;
        }
        bytes = (long)total;
        return true;
    }

    /// <summary>Formats for people, in decimal units: <c>1.5 GB</c>, <c>312 kB</c>, <c>12 B</c>.</summary>
    public static string Format(long bytes) => bytes switch
    {
        < 1000 => bytes.ToString(CultureInfo.InvariantCulture) + " B",
        < 1_000_000 => (bytes / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + " kB",
        < 1_000_000_000 => (bytes / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + " GB",
    };
}
