using FsCheck;
using FsCheck.Fluent;
using Vigie.Ingestion.Mapping;

namespace Vigie.Ingestion.Tests.Mapping;

public sealed class SeverityLevelsTests
{
    [Theory]
    [InlineData("WARN", "warning")]
    [InlineData("warning", "warning")]
    [InlineData("Warning", "warning")]
    [InlineData("ERR", "error")]
    [InlineData("fatal", "critical")]
    [InlineData("panic", "critical")]
    [InlineData("crit", "critical")]
    [InlineData("emerg", "critical")]
    [InlineData("notice", "info")]
    [InlineData("verbose", "trace")]
    [InlineData("Information", "info")]
    [InlineData(" info ", "info")]
    [InlineData("INFO2", "info")]
    [InlineData("DEBUG", "debug")]
    [InlineData("3", "error")]
    [InlineData("7", "debug")]
    [InlineData("0", "critical")]
    public void Normalize_KnownWord_GivesLevel(string text, string level)
    {
        Assert.Equal(level, SeverityLevels.Normalize(text.AsSpan()));
        Assert.Equal(level, SeverityLevels.Normalize(System.Text.Encoding.UTF8.GetBytes(text).AsSpan()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("8")]
    [InlineData("loud")]
    [InlineData("wärning")]
    [InlineData("12")]
    public void Normalize_UnknownText_GivesNull(string text) => Assert.Null(SeverityLevels.Normalize(text.AsSpan()));

    [Fact]
    public void FromSyslogSeverity_EachSeverity_MapsInOrder()
    {
        string?[] expected = ["critical", "critical", "critical", "error", "warning", "info", "info", "debug", null];
        for (var s = 0; s <= 8; s++)
        {
            Assert.Equal(expected[s], SeverityLevels.FromSyslogSeverity(s));
        }
    }

    [Fact]
    public void FromOtlpSeverityNumber_Ranges_MapToLevels()
    {
        Assert.Null(SeverityLevels.FromOtlpSeverityNumber(0));
        Assert.Equal("trace", SeverityLevels.FromOtlpSeverityNumber(1));
        Assert.Equal("debug", SeverityLevels.FromOtlpSeverityNumber(8));
        Assert.Equal("info", SeverityLevels.FromOtlpSeverityNumber(9));
        Assert.Equal("warning", SeverityLevels.FromOtlpSeverityNumber(16));
        Assert.Equal("error", SeverityLevels.FromOtlpSeverityNumber(17));
        Assert.Equal("critical", SeverityLevels.FromOtlpSeverityNumber(24));
        Assert.Null(SeverityLevels.FromOtlpSeverityNumber(25));
    }

    [Fact]
    public void Normalize_AnyString_GivesNullOrALevel() =>
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), (string s) =>
        {
            var level = SeverityLevels.Normalize((s ?? "").AsSpan());
            return level is null || SeverityLevels.All.Contains(level);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));

    [Fact]
    public void Normalize_LevelWords_AreFixedPoints()
    {
        foreach (var level in SeverityLevels.All)
        {
            Assert.Equal(level, SeverityLevels.Normalize(level.AsSpan()));
            Assert.Equal(level, SeverityLevels.Normalize(level.ToUpperInvariant().AsSpan()));
        }
    }
}
