using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;

namespace Vigie.Core.Tests;

/// <summary>
/// RFC 3339 over UTF-8 reads the usual shape (<c>YYYY-MM-DDTHH:MM:SS[.f…]Z</c>) without the general
/// parser: on texts of that shape, with fields in and out of range and any byte changed, dropped or
/// added, it must agree with the text version, which only the general parser reads.
/// </summary>
public sealed class TimestampsRfc3339UtcProperties
{
    private static readonly string[] Replacements = ["0", "5", "9", "/", ":", "-", "T", "t", " ", "Z", "z", ".", "+", "a", "é", "\u0000", "\u007f"];

    [Fact]
    public void TryParseRfc3339_Utf8UsualShape_AgreesWithTheTextVersion()
    {
        var shaped =
            from year in Gen.Frequency((2, Gen.Choose(0, 9999)), (3, Gen.Choose(1968, 2100)), (2, Gen.Elements(0, 1, 4, 100, 400, 1900, 2000, 2024, 9999)))
            from month in Gen.Frequency((3, Gen.Choose(0, 13)), (1, Gen.Constant(2)))
            from day in Gen.Frequency((3, Gen.Choose(0, 32)), (2, Gen.Choose(28, 31)))
            from hour in Gen.Choose(0, 25)
            from minute in Gen.Choose(0, 61)
            from second in Gen.Choose(0, 61)
            from digits in Gen.Choose(0, 12)
            from fraction in Gen.Choose(0, 999_999_999)
            from zone in Gen.Frequency((8, Gen.Constant("Z")), (1, Gen.Elements("z", "+01:00", "", "ZZ")))
            select string.Create(CultureInfo.InvariantCulture, $"{year:0000}-{month:00}-{day:00}T{hour:00}:{minute:00}:{second:00}")
                + (digits == 0 ? "" : "." + fraction.ToString("000000000", CultureInfo.InvariantCulture).PadRight(12, '7')[..digits])
                + zone;
        var texts =
            from text in shaped
            from change in Gen.Frequency((3, Gen.Constant(0)), (2, Gen.Constant(1)), (1, Gen.Constant(2)), (1, Gen.Constant(3)))
            from at in Gen.Choose(0, 40)
            from replacement in Gen.Elements(Replacements)
            select Change(text, change, at, replacement);

        Prop.ForAll(texts.ToArbitrary(), text =>
        {
            var byText = Timestamps.TryParseRfc3339(text, out var nsText);
            var byBytes = Timestamps.TryParseRfc3339(Encoding.UTF8.GetBytes(text), out var nsBytes);
            Assert.Equal(byText, byBytes);
            Assert.Equal(nsText, nsBytes);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(20_000));
    }

    [Theory]
    [InlineData("2026-11-25T10:00:00Z", 1_795_600_800_000_000_000)]
    [InlineData("2026-11-25T10:00:00.5Z", 1_795_600_800_500_000_000)]
    [InlineData("2026-11-25T10:00:00.123456789Z", 1_795_600_800_123_456_789)]
    [InlineData("2024-02-29T23:59:60Z", 1_709_251_199_000_000_000)]
    public void TryParseRfc3339_Utf8UsualShape_GivesTheInstant(string text, long expected)
    {
        Assert.True(Timestamps.TryParseRfc3339(Encoding.UTF8.GetBytes(text), out var ns));
        Assert.Equal(expected, ns);
    }

    private static string Change(string text, int change, int at, string replacement)
    {
        var i = at % (text.Length + 1);
        return change switch
        {
            0 => text,
            1 when i < text.Length => text[..i] + replacement + text[(i + 1)..],
            2 when i < text.Length => text[..i] + text[(i + 1)..],
            _ => text[..i] + replacement + text[i..],
        };
    }
}
