using Vigie.Core;

namespace Vigie.Core.Tests;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("15m", 15L * 60_000_000_000)]
    [InlineData("1h30m", 90L * 60_000_000_000)]
    [InlineData("500ms", 500_000_000L)]
    [InlineData("7d", 7L * 86_400_000_000_000)]
    [InlineData("1.5h", 90L * 60_000_000_000)]
    public void TryParse_UserText_Nanoseconds(string text, long expected)
    {
        Assert.True(Durations.TryParse(text, out var ns));
        Assert.Equal(expected, ns);
    }

    [Theory]
    [InlineData("")]
    [InlineData("15")]
    [InlineData("m")]
    [InlineData("15x")]
    [InlineData("0s")]
    public void TryParse_Invalid_False(string text) => Assert.False(Durations.TryParse(text, out _));

    [Theory]
    [InlineData(90L * 60_000_000_000, "1h30m")]
    [InlineData(86_400_000_000_000, "1d")]
    public void Format_Nanoseconds_LargestExactUnits(long ns, string expected) => Assert.Equal(expected, Durations.Format(ns));
}
