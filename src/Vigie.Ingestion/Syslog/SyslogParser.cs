using System.Buffers.Text;
using Vigie.Core;
using Vigie.Ingestion.Listeners;
using Vigie.Ingestion.Mapping;

namespace Vigie.Ingestion.Syslog;

/// <summary>
/// Parses one syslog message, RFC 5424 or RFC 3164 (BSD), into one event: <c>host</c>, <c>service</c>
/// (APP-NAME or TAG), <c>pid</c>, <c>msgid</c>, <c>facility</c>, <c>severity</c>, <c>level</c>, the
/// structured data as <c>SDID.param</c> fields, and <c>_msg</c>.
/// </summary>
/// <remarks>
/// Lenient the way rsyslog is: a message without <c>&lt;PRI&gt;</c> is user.notice, a missing or
/// unreadable time is the time of reception, a leading BOM or the extra space rsyslog puts before the
/// message are dropped. RFC 3164 times have no year nor zone: they are read in the server's zone, in
/// the year that puts them closest to now.
/// </remarks>
public static class SyslogParser
{
    private const int DefaultPriority = 13; // user.notice, as rsyslog assumes

    private static readonly string[] Facilities =
    [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
        "ntp", "security", "console", "solaris-cron", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ];

    private static readonly string[] Severities = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    private static ReadOnlySpan<byte> Months => "JanFebMarAprMayJunJulAugSepOctNovDec"u8;

    /// <summary>Adds the event of <paramref name="message"/> to the target; false (and a rejection) when it is empty.</summary>
    public static bool Parse(ReadOnlySpan<byte> message, DecodeTarget target)
    {
        message = TrimEnd(message);
        if (message.IsEmpty)
        {
            return false;
        }
        var priority = DefaultPriority;
        var rest = message;
        if (rest[0] == '<')
        {
            var close = rest[..Math.Min(rest.Length, 5)].IndexOf((byte)'>');
            if (close > 1 && Utf8Parser.TryParse(rest[1..close], out int pri, out var used) && used == close - 1 && pri <= 191)
            {
                priority = pri;
                rest = rest[(close + 1)..];
            }
        }
        var batch = target.Batch;
        batch.BeginEvent(target.NowNs);
        if (rest.Length >= 2 && rest[0] == '1' && rest[1] == ' ')
        {
            ParseRfc5424(rest[2..], target);
        }
        else
        {
            ParseRfc3164(rest, target);
        }
        var severity = priority & 7;
        batch.AddField("facility", ValueKind.String, Facilities[priority >> 3]);
        batch.AddField("severity", ValueKind.String, Severities[severity]);
        batch.AddField("level", ValueKind.String, SeverityLevels.FromSyslogSeverity(severity)!);
        batch.EndEvent(target.Streams);
        return true;
    }

    private static void ParseRfc5424(ReadOnlySpan<byte> rest, DecodeTarget target)
    {
        var batch = target.Batch;
        var time = NextToken(ref rest);
        if (Utf8Fields.TryParseRfc3339(time, out var ns))
        {
            batch.SetTime(ns);
        }
        AddHost(NextToken(ref rest), target);
        AddUnlessNil(batch, "service", NextToken(ref rest));
        AddUnlessNil(batch, "pid", NextToken(ref rest));
        AddUnlessNil(batch, "msgid", NextToken(ref rest));
        if (rest.Length > 0 && rest[0] == '[')
        {
            rest = ParseStructuredData(rest, batch);
        }
        else if (rest.Length > 0 && rest[0] == '-')
        {
            rest = rest[1..];
        }
        AddMessage(batch, rest);
    }

    /// <summary>Adds each <c>[id name="value" ...]</c> element's params as <c>id.name</c> fields; returns what follows.</summary>
    private static ReadOnlySpan<byte> ParseStructuredData(ReadOnlySpan<byte> rest, EventBatch batch)
    {
        Span<byte> unescaped = stackalloc byte[512];
        while (rest.Length > 0 && rest[0] == '[')
        {
            var i = 1;
            while (i < rest.Length && rest[i] is not ((byte)' ' or (byte)']'))
            {
                i++;
            }
            var id = rest[1..i];
            // The enterprise number tells apart vendors, not fields: "origin@32473.ip" reads worse than "origin.ip".
            var at = id.IndexOf((byte)'@');
            var prefix = System.Text.Encoding.UTF8.GetString(at >= 0 ? id[..at] : id);
            while (i < rest.Length && rest[i] == ' ')
            {
                var nameStart = ++i;
                while (i < rest.Length && rest[i] is not ((byte)'=' or (byte)']' or (byte)' '))
                {
                    i++;
                }
                var name = rest[nameStart..i];
                if (i + 1 >= rest.Length || rest[i] != '=' || rest[i + 1] != '"')
                {
                    break;
                }
                i += 2;
                var length = 0;
                var value = new List<byte>(0);
                var large = false;
                while (i < rest.Length && rest[i] != '"')
                {
                    if (rest[i] == '\\' && i + 1 < rest.Length && rest[i + 1] is (byte)'"' or (byte)'\\' or (byte)']')
                    {
                        i++;
                    }
                    if (length < unescaped.Length)
                    {
                        unescaped[length] = rest[i];
                    }
                    else
                    {
                        large = true;
                        value.Add(rest[i]);
                    }
                    length++;
                    i++;
                }
                i++; // closing quote
                if (name.Length > 0)
                {
                    var fieldName = prefix + "." + System.Text.Encoding.UTF8.GetString(name);
                    if (large)
                    {
                        var all = new byte[length];
                        unescaped.CopyTo(all);
                        value.CopyTo(all, unescaped.Length);
                        Utf8Fields.Add(batch, fieldName, all);
                    }
                    else
                    {
                        Utf8Fields.Add(batch, fieldName, unescaped[..length]);
                    }
                }
            }
            var close = rest[Math.Min(i, rest.Length)..].IndexOf((byte)']');
            if (close < 0)
            {
                return [];
            }
            rest = rest[(Math.Min(i, rest.Length) + close + 1)..];
        }
        return rest;
    }

    private static void ParseRfc3164(ReadOnlySpan<byte> rest, DecodeTarget target)
    {
        var batch = target.Batch;
        var hasTime = false;
        if (rest.Length >= 16 && rest[3] == ' ' && rest[6] == ' ' && rest[9] == ':' && rest[12] == ':' && TryParseBsdTime(rest[..15], out var ns))
        {
            batch.SetTime(ns);
            rest = rest[15..];
            hasTime = true;
            // Some senders (Cisco, syslog-ng with a template) add the year or a fraction.
            if (rest.Length > 0 && rest[0] == '.')
            {
                var j = 1;
                while (j < rest.Length && char.IsAsciiDigit((char)rest[j]))
                {
                    j++;
                }
                rest = rest[j..];
            }
            rest = rest.TrimStart((byte)' ');
        }
        else
        {
            var space = rest.IndexOf((byte)' ');
            if (space >= 19 && Utf8Fields.TryParseRfc3339(rest[..space], out ns))
            {
                // rsyslog's forward format: an RFC 3339 time in a BSD message.
                batch.SetTime(ns);
                rest = rest[(space + 1)..];
                hasTime = true;
            }
        }
        // After the time comes the host, unless the next word is already the tag ("sshd[42]:", "su:").
        var tokenEnd = rest.IndexOf((byte)' ');
        if (hasTime && tokenEnd > 0 && rest[tokenEnd - 1] != ':' && rest[..tokenEnd].IndexOf((byte)'[') < 0)
        {
            AddHost(rest[..tokenEnd], target);
            rest = rest[(tokenEnd + 1)..];
        }
        else
        {
            AddHost([], target);
        }
        // TAG: up to 48 chars of [A-Za-z0-9_./-], then "[pid]" and ":".
        var t = 0;
        while (t < rest.Length && t < 64 && rest[t] is not ((byte)'[' or (byte)':' or (byte)' '))
        {
            t++;
        }
        if (t > 0 && t < rest.Length && rest[t] is (byte)'[' or (byte)':')
        {
            var tag = rest[..t];
            var after = rest[t..];
            ReadOnlySpan<byte> pid = [];
            if (after[0] == '[')
            {
                var close = after.IndexOf((byte)']');
                if (close > 0)
                {
                    pid = after[1..close];
                    after = after[(close + 1)..];
                }
            }
            if (after.Length > 0 && after[0] == ':')
            {
                Utf8Fields.Add(batch, "service", tag);
                if (!pid.IsEmpty)
                {
                    Utf8Fields.Add(batch, "pid", pid);
                }
                rest = after[1..];
            }
        }
        AddMessage(batch, rest);
    }

    private static bool TryParseBsdTime(ReadOnlySpan<byte> s, out long ns)
    {
        ns = 0;
        var month = -1;
        for (var m = 0; m < 12; m++)
        {
            if (Months.Slice(m * 3, 3).SequenceEqual(s[..3]))
            {
                month = m + 1;
                break;
            }
        }
        if (month < 0)
        {
            return false;
        }
        var day = (s[4] == ' ' ? 0 : Digit(s[4]) * 10) + Digit(s[5]);
        var hour = Digit(s[7]) * 10 + Digit(s[8]);
        var minute = Digit(s[10]) * 10 + Digit(s[11]);
        var second = Digit(s[13]) * 10 + Digit(s[14]);
        if (day is < 1 or > 31 || hour > 23 || minute > 59 || second > 60 || (s[4] != ' ' && !char.IsAsciiDigit((char)s[4])))
        {
            return false;
        }
        var now = DateTime.Now;
        DateTime? best = null;
        foreach (var year in (int[])[now.Year, now.Year - 1, now.Year + 1])
        {
            if (day > DateTime.DaysInMonth(year, month))
            {
                continue;
            }
            var local = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Local);
            if (best is null || Math.Abs((local - now).Ticks) < Math.Abs((best.Value - now).Ticks))
            {
                best = local;
            }
        }
        if (best is null)
        {
            return false;
        }
        ns = Timestamps.FromDateTime(best.Value);
        return true;
    }

    private static int Digit(byte b) => char.IsAsciiDigit((char)b) ? b - '0' : 99;

    private static void AddHost(ReadOnlySpan<byte> host, DecodeTarget target)
    {
        if (!host.IsEmpty && !(host.Length == 1 && host[0] == '-'))
        {
            Utf8Fields.Add(target.Batch, "host", host);
        }
        else if (target.RemoteHost is { } remote)
        {
            target.Batch.AddField("host", ValueKind.String, remote);
        }
    }

    private static void AddUnlessNil(EventBatch batch, string name, ReadOnlySpan<byte> value)
    {
        if (!value.IsEmpty && !(value.Length == 1 && value[0] == '-'))
        {
            Utf8Fields.Add(batch, name, value);
        }
    }

    private static void AddMessage(EventBatch batch, ReadOnlySpan<byte> message)
    {
        message = message.TrimStart((byte)' ');
        if (message.StartsWith(Bom))
        {
            message = message[3..];
        }
        Utf8Fields.Add(batch, FieldNames.Message, message);
    }

    private static ReadOnlySpan<byte> NextToken(ref ReadOnlySpan<byte> rest)
    {
        var space = rest.IndexOf((byte)' ');
        ReadOnlySpan<byte> token;
        if (space < 0)
        {
            token = rest;
            rest = [];
        }
        else
        {
            token = rest[..space];
            rest = rest[(space + 1)..];
        }
        return token;
    }

    private static ReadOnlySpan<byte> TrimEnd(ReadOnlySpan<byte> s)
    {
        var end = s.Length;
        while (end > 0 && s[end - 1] is (byte)'\n' or (byte)'\r' or 0)
        {
            end--;
        }
        return s[..end];
    }
}
