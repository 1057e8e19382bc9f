using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;

namespace Vigie.Core.Tests;

public sealed class TimestampsUtf8Tests
{
    private static readonly string[] Pieces =
    [
        "2025", "0001", "9999", "-", "11", "02", "13", "29", "30", "31", "00", "T", "t", " ", "10", "23", "24", ":", "59", "60",
        ".", "5", "123456789", "1234567891", "Z", "z", "+01:00", "-00:30", "+1:00", "é", "日", "x", "",
    ];

    [Fact]
    public void TryParseRfc3339_Utf8_AgreesWithTheTextVersion()
    {
        // Valid times, and pieces of times put together at random (mostly invalid, some valid).
        var valid = Gen.Choose(-700_000, 2_900_000).Zip(Gen.Choose(0, 999_999_999), (days, ns) => Timestamps.FormatRfc3339(days * 86_400_000_000_000L / 1000 + ns));
        var pieces = Gen.ListOf(Gen.Elements(Pieces)).Select(p => string.Concat(p));
        var shaped = from date in Gen.Elements("2025-11-25", "2024-02-29", "2025-02-29", "0000-01-01", "2025-1-25")
                     from sep in Gen.Elements("T", "t", " ", "_")
                     from clock in Gen.Elements("10:00:00", "23:59:60", "24:00:00", "10:0:00")
                     from fraction in Gen.Elements("", ".", ".5", ".123456789", ".1234567891234")
                     from zone in Gen.Elements("Z", "z", "+01:00", "-23:59", "+0100", "", "Zx")
                     select date + sep + clock + fraction + zone;
        var texts = Gen.OneOf(valid, pieces, shaped).ToArbitrary();

        Prop.ForAll(texts, text =>
        {
            var byText = Timestamps.TryParseRfc3339(text, out var nsText);
            var byBytes = Timestamps.TryParseRfc3339(Encoding.UTF8.GetBytes(text), out var nsBytes);
            Assert.Equal(byText, byBytes);
            Assert.Equal(nsText, nsBytes);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
    }
}
