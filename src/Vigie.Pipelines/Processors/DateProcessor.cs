using System.Globalization;
using Vigie.Core;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary>
/// <c>date</c>: parses a field with the first of its formats that fits and sets <c>_time</c> (or
/// <c>target</c>). Formats are .NET custom formats (<c>dd/MMM/yyyy:HH:mm:ss zzz</c>) or the names
/// ISO8601, HTTPDATE, SYSLOG (no year: the current one), UNIX, UNIX_MS, UNIX_US, UNIX_NS. A time
/// without an offset is read in <c>timezone</c> (an IANA name, default UTC).
/// </summary>
public sealed class DateProcessor(string field, IReadOnlyList<string> formats, TimeZoneInfo zone, string target, Func<DateTime> utcNow) : Processor, ISpanProcessor
{
    private static readonly string[] SyslogFormats = ["MMM d HH:mm:ss", "MMM dd HH:mm:ss", "MMM d HH:mm:ss.fff", "MMM dd HH:mm:ss.fff"];

    public override string Type => "date";

    public override IReadOnlyCollection<string>? Writes => [target];

    public override string? Apply(PipelineEvent e)
    {
        var text = e.GetText(field);
        if (text is null)
        {
            return $"field '{field}' is missing";
        }
        foreach (var format in formats)
        {
            if (TryParse(text.Trim(), format, out var ns))
            {
                if (target == FieldNames.Time)
                {
                    e.TimeNs = ns;
                }
                else
                {
                    e.Set(target, FieldValue.Str(Timestamps.FormatRfc3339(ns)));
                }
                return null;
            }
        }
        return $"'{text}' matches none of the formats {string.Join(", ", formats)}";
    }

    /// <summary>The fast form: the usual formats are read from the value's characters on the stack; the others as in <see cref="Apply"/>.</summary>
    bool ISpanProcessor.TryApply(SpanEvent e)
    {
        if (field is FieldNames.Time or FieldNames.Stream)
        {
            return false;
        }
        var index = e.IndexOf(field);
        if (index < 0)
        {
            return false;
        }
        var value = e.Value(index);
        var buffer = e.Chars(value.Length);
        if (!System.Text.Encoding.UTF8.TryGetChars(value, buffer, out var n))
        {
            return false;
        }
        ReadOnlySpan<char> trimmed = buffer[..n].Trim();
        string? text = null;
        for (var f = 0; f < formats.Count; f++)
        {
            var format = formats[f];
            var parsed = format switch
            {
                "HTTPDATE" => TryParseHttpDate(trimmed, out var ns) ? ns : (long?)null,
                "ISO8601" => Timestamps.TryParseRfc3339(trimmed, out var ns) ? ns : null,
                _ => null,
            };
            if (parsed is null && TryParse(text ??= trimmed.ToString(), format, out var other))
            {
                parsed = other;
            }
            if (parsed is { } time)
            {
                if (target == FieldNames.Time)
                {
                    e.TimeNs = time;
                }
                else
                {
                    e.Set(target, FieldValue.Str(Timestamps.FormatRfc3339(time)));
                }
                return true;
            }
        }
        return false;
    }

    private bool TryParse(string text, string format, out long ns)
    {
        ns = 0;
        switch (format)
        {
            case "ISO8601":
                if (Timestamps.TryParseRfc3339(text, out ns))
                {
                    return true;
                }
                return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var iso) && Local(iso, out ns);
            case "HTTPDATE":
                return TryParseHttpDate(text, out ns) || TryOffsetFormat(text, "dd/MMM/yyyy:HH:mm:ss zzz", out ns);
            case "SYSLOG":
                var squeezed = string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                if (DateTime.TryParseExact(squeezed, SyslogFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var s))
                {
                    // Syslog leaves the year out: this year, unless that puts the time more than a day ahead (December lines read in January).
                    var now = utcNow();
                    var dated = new DateTime(now.Year, s.Month, s.Day, s.Hour, s.Minute, s.Second, s.Millisecond, DateTimeKind.Unspecified);
                    if (Local(dated, out ns) && Timestamps.ToDateTime(ns) > now.AddDays(1))
                    {
                        return Local(dated.AddYears(-1), out ns);
                    }
                    return true;
                }
                return false;
            case "UNIX":
            case "UNIX_MS":
            case "UNIX_US":
            case "UNIX_NS":
                if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
                {
                    return false;
                }
                var scale = format switch { "UNIX" => 1_000_000_000m, "UNIX_MS" => 1_000_000m, "UNIX_US" => 1_000m, _ => 1m };
                var v = n * scale;
                if (v is > long.MaxValue or < long.MinValue)
                {
                    return false;
                }
                ns = (long)v;
                return true;
            default:
                if (format.Contains('z', StringComparison.Ordinal) || format.Contains('K', StringComparison.Ordinal))
                {
                    return TryOffsetFormat(text, format, out ns);
                }
                return DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dt) && Local(dt, out ns);
        }
    }

    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>
    /// <c>10/Oct/2026:13:55:36 -0700</c>, the access-log time, read by hand: it is on every line of a
    /// busy web server and the general parser costs more than the grok that extracted it.
    /// </summary>
    internal static bool TryParseHttpDate(ReadOnlySpan<char> s, out long ns)
    {
        ns = 0;
        if (s.Length != 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':' || s[20] != ' ' || s[21] is not ('+' or '-'))
        {
            return false;
        }
        var month = -1;
        for (var m = 0; m < 12; m++)
        {
            if (s.Slice(3, 3).SequenceEqual(Months[m]))
            {
                month = m + 1;
                break;
            }
        }
        if (month < 0 || !Digits(s[..2], out var day) || !Digits(s.Slice(7, 4), out var year) || !Digits(s.Slice(12, 2), out var hour)
            || !Digits(s.Slice(15, 2), out var minute) || !Digits(s.Slice(18, 2), out var second) || !Digits(s.Slice(22, 2), out var oh) || !Digits(s.Slice(24, 2), out var om))
        {
            return false;
        }
        if (day < 1 || year < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60 || oh > 14 || om > 59)
        {
            return false;
        }
        var local = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Utc);
        var offset = new TimeSpan(oh, om, 0);
        ns = Timestamps.FromDateTime(s[21] == '+' ? local - offset : local + offset);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        return true;
    }

    /// <summary>Parses a format with an offset; <c>zzz</c> also takes <c>-0700</c> (access logs) as well as <c>-07:00</c>.</summary>
    private static bool TryOffsetFormat(string text, string format, out long ns)
    {
        ns = 0;
        if (!DateTimeOffset.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dto))
        {
            var n = text.Length;
            if (n < 5 || text[n - 5] is not ('+' or '-') || !text[(n - 4)..].All(char.IsAsciiDigit))
            {
                return false;
            }
            var colon = string.Concat(text.AsSpan(0, n - 2), ":", text.AsSpan(n - 2));
            if (!DateTimeOffset.TryParseExact(colon, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out dto))
            {
                return false;
            }
        }
        ns = Timestamps.FromDateTime(dto.UtcDateTime);
        return true;
    }

    private bool Local(DateTime dt, out long ns)
    {
        var utc = dt.Kind switch
        {
            DateTimeKind.Utc => dt,
            DateTimeKind.Local => dt.ToUniversalTime(),
            _ => TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(dt, DateTimeKind.Unspecified), zone),
        };
        ns = Timestamps.FromDateTime(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        return true;
    }
}
