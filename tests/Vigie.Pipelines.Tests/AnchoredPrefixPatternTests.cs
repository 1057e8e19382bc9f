using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Tests;

/// <summary>
/// The byte-level test of anchored condition regexes (<see cref="AnchoredPrefixPattern"/>) against .NET's
/// regex on the same text: whenever it decides, it decides as the regex does; it takes the built-in
/// conditions, and leaves alone what it cannot decide exactly.
/// </summary>
public class AnchoredPrefixPatternTests
{
    private static readonly string[] Taken =
    [
        @"^(\S+ \S+ \S+ \[|\d{4}\/\d\d\/\d\d )",
        @"^(\S+ \S+ \S+ \[|\[\w{3} \w{3} )",
        @"^(\S+ \S+ \S+ \[|\{)",
        @"^\{",
        @"^\d{4}-\d\d-\d\d ",
        "^time=",
        @"^\s*\{",
        @"^(?:ab|a\.c|)",
        @"^\d+ \w+",
        @"^.\d{2}x",
        "^",
    ];

    private static readonly string[] NotTaken =
    [
        "abc",
        "^a|b",
        @"^\d+\s*\d",
        @"^\S+\d",
        @"^\d+\d",
        "^a?b",
        "^[ab]c",
        "^(a)(b)",
        "^(a|b)c",
        @"^\d{2,3}",
        @"^\bx",
        "^a+?b",
        "^ab$",
        @"^\D",
        @"^(?=a)b",
    ];

    [Fact]
    public void TheBuiltInConditionsForms_AreTaken()
    {
        // The first seven are the regexes of the built-in pipelines' conditions (BuiltIn/*.yaml).
        foreach (var pattern in Taken)
        {
            Assert.True(AnchoredPrefixPattern.TryCompile(pattern, RegexOptions.NonBacktracking) is not null, pattern);
        }
    }

    [Fact]
    public void PatternsItCannotDecideExactly_AreLeftToTheRegex()
    {
        foreach (var pattern in NotTaken)
        {
            Assert.True(AnchoredPrefixPattern.TryCompile(pattern, RegexOptions.None) is null, pattern);
        }
        Assert.Null(AnchoredPrefixPattern.TryCompile("^abc", RegexOptions.IgnoreCase));
        Assert.Null(AnchoredPrefixPattern.TryCompile("^abc", RegexOptions.Multiline));
        Assert.Null(AnchoredPrefixPattern.TryCompile("^a.c", RegexOptions.Singleline));
    }

    [Fact]
    public void AccessLine_IsDecidedOnItsBytes()
    {
        var nginx = AnchoredPrefixPattern.TryCompile(Taken[0], RegexOptions.NonBacktracking)!;
        Assert.False(nginx.Matches("6.190.173.159 \"POST /static/img/4856.webp HTTP/1.1\" 200 12139 1.668ms"u8));
        Assert.True(nginx.Matches("192.168.1.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 2326"u8));
        Assert.True(nginx.Matches("2024/01/02 10:00:00 [error] 12#0: boom"u8));
        Assert.Null(nginx.Matches("caf\u00e9 x y [z"u8.ToArray()));
        // Without the '[' every match of the first alternative holds, no character can make it match.
        Assert.False(nginx.Matches("caf\u00e9 x"u8.ToArray()));
    }

    [Property(MaxTest = 3000)]
    public Property WhenItDecides_ItAgreesWithTheRegex() =>
        Prop.ForAll(Gen.Elements(Taken).ToArbitrary(), Text().ToArbitrary(), (pattern, text) =>
        {
            var regex = new Regex(pattern, RegexOptions.None);
            var anchored = AnchoredPrefixPattern.TryCompile(pattern, RegexOptions.None)!;
            var decided = anchored.Matches(Encoding.UTF8.GetBytes(text));
            return (decided is null || decided == regex.IsMatch(text))
                .Label($"pattern {pattern} on \"{text}\": {decided} but the regex says {regex.IsMatch(text)}");
        });

    /// <summary>Texts made of the pieces these patterns test: digits, spaces of every kind, brackets, slashes, words, a little Unicode.</summary>
    private static Gen<string> Text() =>
        Gen.ListOf(Gen.OneOf(
            Gen.Elements("0", "12", "2024", "/", "-", " ", "\t", "\n", "\r", "\v", "\f", "\u001c", "\u0085", "\u00a0", "[", "{", "}", "a", "ab",
                "a.c", "Mon", "x", "_", ".", "time=", "\u00e9", "\u0663", "10.0.0.1", "- -", "[Mon Oct"),
            Gen.Choose(0, 127).Select(c => ((char)c).ToString())))
        .Select(parts => string.Concat(parts.Take(14)));
}
