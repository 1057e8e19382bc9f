using System.Globalization;
using System.Numerics;

namespace Vigie.Core;

/// <summary>
/// Times are <see cref="long"/> nanoseconds since the Unix epoch, UTC. This class reads and writes
/// them in the forms users and shippers send: RFC 3339, epoch seconds/ms/µs/ns, relative times.
/// </summary>
public static partial class Timestamps
{
    public const long NanosPerSecond = 1_000_000_000;
    private const long NanosPerTick = 100;

    public static long FromDateTime(DateTime utc) => (utc.ToUniversalTime().Ticks - DateTime.UnixEpoch.Ticks) * NanosPerTick;

    public static DateTime ToDateTime(long ns) => DateTime.UnixEpoch.AddTicks(ns / NanosPerTick);

    public static long Now() => FromDateTime(DateTime.UtcNow);

    /// <summary>Formats as RFC 3339 in UTC with as many fractional digits as needed (none to nine).</summary>
    public static string FormatRfc3339(long ns)
    {
        var seconds = Math.DivRem(ns, NanosPerSecond, out var frac);
        if (frac < 0)
        {
            frac += NanosPerSecond;
            seconds--;
        }
        var dt = DateTime.UnixEpoch.AddSeconds(seconds);
        var head = dt.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (frac == 0)
        {
            return head + "Z";
        }
        var digits = frac.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        return head + "." + digits + "Z";
    }

    /// <summary>Parses RFC 3339 (<c>2026-11-25T10:00:00.123456789+01:00</c>, also with a space or lower-case t/z).</summary>
    public static bool TryParseRfc3339(ReadOnlySpan<char> s, out long ns) => TryParseRfc3339<char>(s, out ns);

    /// <summary>
    /// <see cref="TryParseRfc3339(ReadOnlySpan{char}, out long)"/> over UTF-8 bytes, for decoders that
    /// read times straight from a request body: same forms accepted, same result, no conversion to text.
    /// </summary>
    /// <remarks>Every accepted form is ASCII, so any other byte makes both versions fail alike.</remarks>
    public static bool TryParseRfc3339(ReadOnlySpan<byte> s, out long ns) => TryParseRfc3339Utc(s, out ns) || TryParseRfc3339<byte>(s, out ns);

    // One parser for text and UTF-8: a byte widens to the char of the same code (Latin-1), and every
    // character the forms accept is ASCII, so both read alike.
    private static char Ch<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T> => (char)ushort.CreateTruncating(s[i]);

    private static bool TryParseRfc3339<T>(ReadOnlySpan<T> s, out long ns)
        where T : unmanaged, IBinaryInteger<T>
    {
        ns = 0;
        if (s.Length < 19 || Ch(s, 4) != '-' || Ch(s, 7) != '-' || (Ch(s, 10) is not ('T' or 't' or ' ')) || Ch(s, 13) != ':' || Ch(s, 16) != ':')
        {
            return false;
        }
        if (!TryDigits(s[..4], out var year) || !TryDigits(s.Slice(5, 2), out var month) || !TryDigits(s.Slice(8, 2), out var day)
            || !TryDigits(s.Slice(11, 2), out var hour) || !TryDigits(s.Slice(14, 2), out var minute) || !TryDigits(s.Slice(17, 2), out var second))
        {
            return false;
        }
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month) || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }
        second = Math.Min(second, 59); // a leap second lands on :59
        var i = 19;
        long fraction = 0;
        if (i < s.Length && Ch(s, i) == '.')
        {
            i++;
            var digits = 0;
            while (i < s.Length && char.IsAsciiDigit(Ch(s, i)))
            {
                if (digits < 9)
                {
                    fraction = fraction * 10 + (Ch(s, i) - '0');
                }
                digits++;
                i++;
            }
            if (digits == 0)
            {
                return false;
            }
            for (var d = digits; d < 9; d++)
            {
                fraction *= 10;
            }
        }
        long offsetSeconds;
        if (i < s.Length && Ch(s, i) is 'Z' or 'z')
        {
            offsetSeconds = 0;
            i++;
        }
        else if (i + 6 == s.Length && Ch(s, i) is '+' or '-' && Ch(s, i + 3) == ':' && TryDigits(s.Slice(i + 1, 2), out var oh) && TryDigits(s.Slice(i + 4, 2), out var om))
        {
            offsetSeconds = (oh * 3600 + om * 60) * (Ch(s, i) == '-' ? -1 : 1);
            i += 6;
        }
        else
        {
            return false;
        }
        if (i != s.Length || year < 1)
        {
            return false;
        }
        var seconds = DaysSinceEpoch(year, month, day) * 86_400L + hour * 3_600 + minute * 60 + second;
        ns = (seconds - offsetSeconds) * NanosPerSecond + fraction;
        return true;
    }

    /// <summary>
    /// Days from 1970-01-01 to a valid date of the proleptic Gregorian calendar (years 1 to 9999), as
    /// <see cref="DateTime"/> counts them: by 400-year eras of 146,097 days, years starting in March so
    /// that the leap day ends them. Every ingested event with an RFC 3339 time comes here; building a
    /// <see cref="DateTime"/> checked its fields a second time.
    /// </summary>
    private static long DaysSinceEpoch(int year, int month, int day)
    {
        var y = month <= 2 ? year - 1 : year;
        var era = y / 400;
        var yearOfEra = y - era * 400;
        var dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        var dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
    }

    /// <summary>
    /// Parses an epoch number; its magnitude tells the unit (seconds up to 1e11, then ms, µs, ns),
    /// as shippers send all four. Fractional seconds are kept to the nanosecond where given.
    /// </summary>
    public static bool TryParseEpoch(ReadOnlySpan<char> s, out long ns)
    {
        ns = 0;
        if (s.IsEmpty)
        {
            return false;
        }
        var dot = s.IndexOfAny('.', 'e', 'E');
        if (dot < 0 && long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return TryFromEpochInteger(integer, out ns);
        }
        if (dot >= 0 && s[dot] == '.' && long.TryParse(s[..dot], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) && Math.Abs(whole) < 100_000_000_000)
        {
            var frac = s[(dot + 1)..];
            long f = 0;
            var digits = 0;
            foreach (var c in frac)
            {
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }
                if (digits < 9)
                {
                    f = f * 10 + (c - '0');
                    digits++;
                }
            }
            for (; digits < 9; digits++)
            {
                f *= 10;
            }
            ns = whole * NanosPerSecond + (s[0] == '-' ? -f : f);
            return true;
        }
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) && Math.Abs(d) < 9e18)
        {
            return TryFromEpochInteger((long)Math.Round(d), out ns);
        }
        return false;
    }

    private static bool TryFromEpochInteger(long value, out long ns)
    {
        var abs = Math.Abs(value);
        ns = abs switch
        {
            < 100_000_000_000 => value * NanosPerSecond,
            < 100_000_000_000_000 => value * 1_000_000,
            < 100_000_000_000_000_000 => value * 1_000,
            _ => value,
        };
        return true;
    }

    /// <summary>
    /// Parses a time a user types for a query bound: RFC 3339, a date (<c>2026-11-25</c>), an epoch,
    /// <c>now</c>, or a duration before now (<c>-15m</c>, <c>-1h30m</c>, <c>-7d</c>, or <c>now-24h</c> as in Grafana).
    /// </summary>
    public static bool TryParseQueryTime(ReadOnlySpan<char> s, long nowNs, out long ns)
    {
        s = s.Trim();
        if (s.Equals("now", StringComparison.OrdinalIgnoreCase))
        {
            ns = nowNs;
            return true;
        }
        // "-1h", or Grafana's and Kibana's "now-1h".
        if (s.StartsWith("now-", StringComparison.OrdinalIgnoreCase))
        {
            s = s[3..];
        }
        if (s.Length > 1 && s[0] == '-' && Durations.TryParse(s[1..], out var ago))
        {
            ns = nowNs - ago;
            return true;
        }
        if (TryParseRfc3339(s, out ns))
        {
            return true;
        }
        if (s.Length == 10 && DateTime.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date))
        {
            ns = FromDateTime(date);
            return true;
        }
        return TryParseEpoch(s, out ns);
    }

    /// <summary>The UTC day an instant falls in, as days since the epoch: the partition key.</summary>
    public static int DayOf(long ns) => (int)Math.Floor(ns / (double)(NanosPerSecond * 86400));

    public static string DayName(int day) => DateTime.UnixEpoch.AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool TryDigits<T>(ReadOnlySpan<T> s, out int value)
        where T : unmanaged, IBinaryInteger<T>
    {
        value = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = Ch(s, i);
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
