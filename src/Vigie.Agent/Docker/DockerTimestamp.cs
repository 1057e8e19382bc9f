using System.Globalization;
using Vigie.Core;

namespace Vigie.Agent.Docker;

/// <summary>The timestamps of Docker's log API: RFC 3339 with nanoseconds at the start of each line, and the <c>since</c> parameter.</summary>
internal static class DockerTimestamp
{
    /// <summary>Longer than any RFC 3339 time with nine fractional digits and an offset: what is longer is not a timestamp.</summary>
    public const int MaxLength = 40;

    /// <summary>Parses the timestamp Docker puts before each line (ASCII), without allocating.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out long ns)
    {
        ns = 0;
        return utf8.Length <= MaxLength && Timestamps.TryParseRfc3339(utf8, out ns);
    }

    /// <summary>
    /// The <c>since</c> value that asks for everything at or after <paramref name="ns"/>: Docker takes
    /// <c>seconds.nanoseconds</c> and keeps messages whose time is not before it.
    /// </summary>
    public static string FormatSince(long ns)
    {
        var seconds = Math.DivRem(ns, Timestamps.NanosPerSecond, out var fraction);
        return seconds.ToString(CultureInfo.InvariantCulture) + "." + fraction.ToString("D9", CultureInfo.InvariantCulture);
    }
}
