using System.Globalization;
using Vigie.Core;

namespace Vigie.Web.Model;

/// <summary>
/// A time range as the URL holds it: each bound is <c>now</c>, a duration ago (<c>-15m</c>) or an
/// RFC 3339 time, so that a shared link means the same thing (relative ranges move with the clock).
/// </summary>
public sealed record TimeRange(string From, string To)
{
    public static readonly TimeRange Default = new("-15m", "now");

    /// <summary>The quick ranges offered by the picker: label and the <c>From</c> bound (to now).</summary>
    public static readonly IReadOnlyList<(string Label, string From)> Quick =
    [
        ("Last 5 minutes", "-5m"),
        ("Last 15 minutes", "-15m"),
        ("Last 1 hour", "-1h"),
        ("Last 24 hours", "-1d"),
        ("Last 7 days", "-7d"),
        ("Last 30 days", "-30d"),
    ];

    public bool IsRelative => To == "now" && From.StartsWith('-');

    /// <summary>Builds a range from URL values; missing or unreadable bounds fall back to the last 15 minutes.</summary>
    public static TimeRange FromUrl(string? from, string? to)
    {
        var f = string.IsNullOrWhiteSpace(from) ? Default.From : from.Trim();
        var t = string.IsNullOrWhiteSpace(to) ? Default.To : to.Trim();
        var now = Timestamps.Now();
        if (!Timestamps.TryParseQueryTime(f, now, out _) || !Timestamps.TryParseQueryTime(t, now, out _))
        {
            return Default;
        }
        return new TimeRange(f, t);
    }

    /// <summary>An absolute range, as drag-to-zoom makes.</summary>
    public static TimeRange Absolute(long startNs, long endNs) =>
        new(Timestamps.FormatRfc3339(startNs), Timestamps.FormatRfc3339(endNs));

    /// <summary>The bounds in nanoseconds at <paramref name="nowNs"/>: start inclusive, end exclusive, start before end.</summary>
    public (long StartNs, long EndNs) Resolve(long nowNs)
    {
        if (!Timestamps.TryParseQueryTime(From, nowNs, out var start))
        {
            start = nowNs - 15 * 60 * Timestamps.NanosPerSecond;
        }
        if (!Timestamps.TryParseQueryTime(To, nowNs, out var end))
        {
            end = nowNs;
        }
        // "now" is inclusive for the user: an event stamped this very instant is in "the last 15 minutes".
        end += To == "now" ? 1 : 0;
        if (end <= start)
        {
            end = start + Timestamps.NanosPerSecond;
        }
        return (start, end);
    }

    /// <summary>What the picker button shows.</summary>
    public string Label
    {
        get
        {
            if (To == "now")
            {
                foreach (var (label, from) in Quick)
                {
                    if (from == From)
                    {
                        return label;
                    }
                }
                if (From.StartsWith('-'))
                {
                    return "Last " + From[1..];
                }
            }
            return Short(From) + " → " + Short(To);
        }
    }

    private static string Short(string bound)
    {
        if (Timestamps.TryParseRfc3339(bound, out var ns))
        {
            return Timestamps.ToDateTime(ns).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        }
        return bound;
    }
}
