using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;

namespace Vigie.Core.Tests;

public sealed class TimestampsTests
{
    [Fact]
    public void FormatRfc3339_ThenParse_RoundTripsEveryNanosecond()
    {
        var times = Gen.Choose(-2_000_000, 2_000_000).Zip(Gen.Choose(0, 999_999_999), (days, ns) => days * 86_400_000_000_000L / 1000 + ns).ToArbitrary();
        Prop.ForAll(times, t => Timestamps.TryParseRfc3339(Timestamps.FormatRfc3339(t), out var back) && back == t).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("2026-11-25T10:00:00Z", 1795600800000000000L)]
    [InlineData("2026-11-25T10:00:00.5Z", 1795600800500000000L)]
    [InlineData("2026-11-25T11:00:00.000000001+01:00", 1795600800000000001L)]
    [InlineData("2026-11-25 10:00:00z", 1795600800000000000L)]
    public void TryParseRfc3339_ValidText_Nanoseconds(string text, long expected)
    {
        Assert.True(Timestamps.TryParseRfc3339(text, out var ns));
        Assert.Equal(expected, ns);
    }

    [Theory]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-02-30T00:00:00Z")]
    [InlineData("2026-11-25T10:00:00")]
    [InlineData("2026-11-25T10:00:00.Z")]
    [InlineData("yesterday")]
    public void TryParseRfc3339_InvalidText_False(string text) => Assert.False(Timestamps.TryParseRfc3339(text, out _));

    [Theory]
    [InlineData("1795600800", 1795600800000000000L)]
    [InlineData("1795600800123", 1795600800123000000L)]
    [InlineData("1795600800123456", 1795600800123456000L)]
    [InlineData("1795600800123456789", 1795600800123456789L)]
    [InlineData("1795600800.25", 1795600800250000000L)]
    public void TryParseEpoch_EachUnit_Nanoseconds(string text, long expected)
    {
        Assert.True(Timestamps.TryParseEpoch(text, out var ns));
        Assert.Equal(expected, ns);
    }

    [Theory]
    [InlineData("2025-13-01T00:00:00Z")]
    [InlineData("123456789012345678901234")]
    [InlineData("abc")]
    public void TryParseEpoch_NotANumber_FalseWithoutThrowing(string text) => Assert.False(Timestamps.TryParseEpoch(text, out _));

    [Theory]
    [InlineData("now", 0)]
    [InlineData("-15m", -15 * 60)]
    [InlineData("-1h30m", -90 * 60)]
    [InlineData("-7d", -7 * 86400)]
    [InlineData("now-24h", -24 * 3600)]
    [InlineData("NOW-5m", -5 * 60)]
    public void TryParseQueryTime_Relative_OffsetFromNow(string text, long offsetSeconds)
    {
        const long now = 1795600800000000000L;
        Assert.True(Timestamps.TryParseQueryTime(text, now, out var ns));
        Assert.Equal(now + offsetSeconds * Timestamps.NanosPerSecond, ns);
    }

    [Fact]
    public void DayOf_BeforeEpoch_FloorsToThePreviousDay()
    {
        Assert.Equal(-1, Timestamps.DayOf(-1));
        Assert.Equal(0, Timestamps.DayOf(0));
        Assert.Equal("1970-01-01", Timestamps.DayName(0));
    }
}
