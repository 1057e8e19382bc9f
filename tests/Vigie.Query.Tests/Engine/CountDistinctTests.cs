using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Query.Pipes.Stats;

namespace Vigie.Query.Tests.Engine;

/// <summary><c>count_distinct</c> keeps UTF-8 bytes; its count must be that of a set of the texts, however values arrive.</summary>
public sealed class CountDistinctTests
{
    // well-formed texts, a lone surrogate, and byte strings that are not UTF-8 (decoded to U+FFFD, so some collide)
    private static readonly byte[][] Values =
    [
        "a"u8.ToArray(), "b"u8.ToArray(), ""u8.ToArray(), "10.0.0.1"u8.ToArray(), "Straße"u8.ToArray(), "\uFFFD"u8.ToArray(),
        [0xFF], [0xC3], [0xFF, 0xFE], [(byte)'a', 0x80], "ab"u8.ToArray(), "😀"u8.ToArray(),
    ];

    private static readonly string[] Texts = ["\uD800", "x\uDC00", "\uD83D\uDE00", "😀", "a"];

    [Fact]
    public void AddUtf8AddAndMerge_AnyValues_CountOfDistinctTexts()
    {
        var cases = (from n in Gen.Choose(0, 40)
                     from picks in Gen.Choose(0, Values.Length + Texts.Length - 1).ArrayOf(n)
                     from split in Gen.Choose(0, n)
                     select (picks, split)).ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var expected = new HashSet<string>(StringComparer.Ordinal);
            var left = new CountDistinctStat();
            var right = new CountDistinctStat();
            for (var i = 0; i < c.picks.Length; i++)
            {
                var into = i < c.split ? left : right;
                var p = c.picks[i];
                if (p < Values.Length)
                {
                    expected.Add(Encoding.UTF8.GetString(Values[p]));
                    into.AddUtf8(Values[p]);
                }
                else
                {
                    expected.Add(Texts[p - Values.Length]);
                    into.Add(Texts[p - Values.Length]);
                }
            }
            left.Merge(right);
            return left.Finish().Text == expected.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void AddUtf8_ManyDistinctValues_GrowsAndCountsExactly()
    {
        var stat = new CountDistinctStat();
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 100_000; i++)
            {
                stat.AddUtf8(Encoding.UTF8.GetBytes($"10.{i % 256}.{i / 256}.1"));
            }
        }
        Assert.Equal("100000", stat.Finish().Text);
    }
}
