using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Tests;

/// <summary>
/// <see cref="AnchoredPrefixPattern"/>'s greedy runs are found with a vectorised search: runs longer than
/// a vector (up to a few hundred bytes), ending on an ASCII byte, a wider character or the end of the
/// value, at every offset within a vector, must be decided as the regex decides them.
/// </summary>
public class AnchoredPrefixRunTests
{
    private static readonly string[] Patterns =
    [
        @"^(\S+ \S+ \S+ \[|\d{4}\/\d\d\/\d\d )",
        @"^(\S+ \S+ \S+ \[|\[\w{3} \w{3} )",
        @"^\s*\{",
        @"^\d+ \w+",
        @"^\w*-\d*x",
        @"^\S+ \d+",
        @"^\s*a\S+ \[",
    ];

    [Property(MaxTest = 3000)]
    public Property Long_runs_are_decided_as_the_regex_decides() =>
        Prop.ForAll(Gen.Elements(Patterns).ToArbitrary(), Text().ToArbitrary(), (pattern, text) =>
        {
            var regex = new Regex(pattern, RegexOptions.None);
            var decided = AnchoredPrefixPattern.TryCompile(pattern, RegexOptions.None)!.Matches(Encoding.UTF8.GetBytes(text));
            return (decided is null || decided == regex.IsMatch(text))
                .Label($"pattern {pattern} on \"{text}\": {decided} but the regex says {regex.IsMatch(text)}");
        });

    [Fact]
    public void A_wide_character_deep_in_a_run_leaves_the_answer_to_the_regex()
    {
        var nginx = AnchoredPrefixPattern.TryCompile(Patterns[0], RegexOptions.None)!;
        Assert.Null(nginx.Matches(Encoding.UTF8.GetBytes(new string('a', 70) + "\u00e9 b c [")));
        Assert.True(nginx.Matches(Encoding.UTF8.GetBytes(new string('a', 70) + " " + new string('b', 33) + " c [")));
        Assert.False(nginx.Matches(Encoding.UTF8.GetBytes(new string('a', 70) + " " + new string('b', 33) + " c x")));
        Assert.False(nginx.Matches(Encoding.UTF8.GetBytes(new string('a', 300))));
        // The byte a match must hold may come before the first run that is followed.
        Assert.True(AnchoredPrefixPattern.TryCompile(@"^\S+ \d+", RegexOptions.None)!.Matches("a 12"u8));
        Assert.False(AnchoredPrefixPattern.TryCompile(@"^\S+ \d+", RegexOptions.None)!.Matches("ab12"u8));
        var json = AnchoredPrefixPattern.TryCompile(Patterns[2], RegexOptions.None)!;
        Assert.True(json.Matches(Encoding.UTF8.GetBytes(new string(' ', 40) + "\t{")));
        Assert.Null(json.Matches(Encoding.UTF8.GetBytes(new string(' ', 40) + "\u00a0{")));
        Assert.False(json.Matches(Encoding.UTF8.GetBytes(new string(' ', 40))));
    }

    /// <summary>A few pieces, each possibly repeated up to 80 times: long runs of one class, then what ends them.</summary>
    private static Gen<string> Text() =>
        Gen.ListOf(
            from piece in Gen.Elements("a", "7", "-", " ", "\t", "\n", "[", "{", "/", "x", "\u00e9", "\u00a0", "\u0663", "ab1", " [", "2024/01/02 ")
            from times in Gen.OneOf(Gen.Constant(1), Gen.Choose(1, 80))
            select string.Concat(Enumerable.Repeat(piece, times)))
        .Select(parts => string.Concat(parts.Take(8)));
}
