namespace Vigie.Core;

public static partial class Timestamps
{
    /// <summary>
    /// <see cref="TryParseRfc3339(ReadOnlySpan{char}, out long)"/> over UTF-8 bytes, for decoders that
    /// read times straight from a request body: same forms accepted, same result, no conversion to text.
    /// </summary>
    /// <remarks>Every accepted form is ASCII, so any other byte makes both versions fail alike.</remarks>
    public static bool TryParseRfc3339(ReadOnlySpan<byte> s, out long ns)
    {
        ns = 0;
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || (s[10] is not ((byte)'T' or (byte)'t' or (byte)' ')) || s[13] != ':' || s[16] != ':')
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
        if (i < s.Length && s[i] == '.')
        {
            i++;
            var digits = 0;
            while (i < s.Length && char.IsAsciiDigit((char)s[i]))
            {
                if (digits < 9)
                {
                    fraction = fraction * 10 + (s[i] - '0');
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
        if (i < s.Length && s[i] is (byte)'Z' or (byte)'z')
        {
            offsetSeconds = 0;
            i++;
        }
        else if (i + 6 == s.Length && s[i] is (byte)'+' or (byte)'-' && s[i + 3] == ':' && TryDigits(s.Slice(i + 1, 2), out var oh) && TryDigits(s.Slice(i + 4, 2), out var om))
        {
            offsetSeconds = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
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
        var date = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
        ns = ((date.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond - offsetSeconds) * NanosPerSecond + fraction;
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit((char)c))
            {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
