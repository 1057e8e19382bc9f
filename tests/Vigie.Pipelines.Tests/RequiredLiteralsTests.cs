using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vigie.Pipelines.Configuration;
using Vigie.Pipelines.Grok;
using Vigie.Pipelines.Processors;

namespace Vigie.Pipelines.Tests;

/// <summary>
/// The texts a grok pattern requires (<see cref="RequiredLiterals"/>) against its regex: a line that
/// lacks one must never match, on real lines of the built-in formats, on pieces of them glued
/// together and on patterns written to trip the reader (quantifiers, escapes, classes, options).
/// </summary>
public class RequiredLiteralsTests
{
    private static readonly Lazy<GrokExpression[]> BuiltIn = new(() =>
        [.. PipelineConfigLoader.BuiltInsOnly().SelectMany(p => p.Processors).OfType<GrokProcessor>().SelectMany(g => g.Patterns)]);

    private static readonly string[] Tricky =
    [
        "^%{WORD:a} for %{WORD:b}$",
        "user=%{WORD:u} ab?c de*f gh{0,2}i jk+l",
        @"\[%{LOGLEVEL:level}\] pid\.%{INT:pid} \(x\)",
        "ab|cd efg",
        "(?i)hello world",
        "x(?i:abc)yzw",
        "[abc]xyz [^]]qrs",
        @"\d+ items \s+ done \b end",
        "a{2,3}bcd{1}efg",
        "%{WORD:w}+ and %{WORD:v}* more",
        "caf\u00e9 cr\u00e8me",
        "literal {brace} here",
        "lazy a+?bcd x*?yzz",
    ];

    private static readonly Lazy<GrokExpression[]> All = new(() => [.. BuiltIn.Value, .. Tricky.Select(t => GrokExpression.Compile(t))]);

    private static readonly string[] Lines =
    [
        "sshd[4242]: Accepted publickey for deploy from 10.1.2.3 port 50000 ssh2: ED25519 SHA256:0123",
        "Accepted publickey for deploy from 198.51.100.7 port 50022 ssh2: ED25519 SHA256:Hk3yq1Xm2",
        "Nov 25 10:50:01 web-1 sshd[9121]: Failed password for invalid user admin from 203.0.113.50 port 41234 ssh2",
        "Invalid user oracle from 10.0.0.9 port 4242",
        "Received disconnect from 10.0.0.9 port 22:11: disconnected by user",
        "pam_unix(sshd:session): session opened for user root by (uid=0)",
        "Disconnected from authenticating user root 10.0.0.9 port 22 [preauth]",
        "2026/11/25 10:16:01 [error] 3170#3170: *1127 open() \"/x\" failed (2: No such file), client: 198.51.100.23, server: example.org, request: \"GET /x HTTP/1.1\", host: \"example.org\"",
        "[Wed Nov 25 10:20:33.512345 2026] [core:error] [pid 8812:tid 140071] [client 192.0.2.10:53212] AH00126: Invalid URI",
        "2026-11-25 10:40:12.345 UTC [2219] ERROR:  duplicate key value",
        "203.0.113.9 - alice [25/Nov/2026:10:15:42 +0100] \"POST /api HTTP/2.0\" 401 153 \"-\" \"curl\"",
        "user=bob ac df gi jkkl", "user=bob abc deef ghhi jkl", "[info] pid.12 (x)", "HELLO WORLD", "xABCyzw", "axyz ]qrs",
        "12 items \t done end", "aabcdefg", "aaabcdefg", "w and  more", "caf\u00e9 cr\u00e8me", "literal {brace} here", "lazy abcd yzz", "ab efg", "cd efg",
    ];

    [Fact]
    public void The_sshd_patterns_require_their_words()
    {
        var accepted = BuiltIn.Value.First(e => e.Source.Contains("SSHD_OUTCOME", StringComparison.Ordinal));
        var literals = accepted.Literals.Select(Encoding.UTF8.GetString).ToArray();
        Assert.Contains(" for ", literals);
        Assert.Contains(" from ", literals);
        Assert.Contains(" port ", literals);
        // A whole-line pattern requires nothing; neither does an alternation at the top or a case-insensitive one.
        Assert.Empty(RequiredLiterals.Of("^.*$"));
        Assert.Empty(RequiredLiterals.Of("ab|cd efg"));
        Assert.Empty(RequiredLiterals.Of("(?i)hello world"));
        // A character a quantifier may leave out is not required; one it repeats is.
        Assert.Equal(["user=", "c d", "f g", "i jkk"], RequiredLiterals.Of("user=%{WORD:u} ab?c de*f gh{0,2}i jkk+l").Select(Encoding.UTF8.GetString));
    }

    [Property(MaxTest = 500)]
    public Property A_line_without_a_required_text_never_matches() =>
        Prop.ForAll(Gen.Choose(0, All.Value.Length - 1).ToArbitrary(), Line().ToArbitrary(), (k, line) =>
        {
            var expression = All.Value[k];
            if (!RequiredLiterals.AllIn(expression.Literals, Encoding.UTF8.GetBytes(line)))
            {
                Assert.False(expression.Regex.IsMatch(line), $"'{expression.Source}' matches '{line}' without one of its required texts");
            }
        });

    [Fact]
    public void Every_real_line_that_matches_has_the_required_texts()
    {
        var matched = 0;
        foreach (var expression in All.Value)
        {
            foreach (var line in Lines)
            {
                if (expression.Regex.IsMatch(line))
                {
                    matched++;
                    Assert.True(RequiredLiterals.AllIn(expression.Literals, Encoding.UTF8.GetBytes(line)), $"'{expression.Source}' matches '{line}'");
                }
            }
        }
        // The lines are chosen to match: the check above must have run.
        Assert.True(matched > 20, $"only {matched} matches");
    }

    /// <summary>Real lines, pieces of them glued together, and the sshd words in random order.</summary>
    private static Gen<string> Line() => Gen.OneOf(
        Gen.Elements(Lines),
        from a in Gen.Elements(Lines)
        from b in Gen.Elements(Lines)
        from cut in Gen.Choose(0, 60)
        select a[..Math.Min(cut, a.Length)] + b[Math.Min(cut, b.Length)..],
        Gen.ListOf(Gen.Elements("Accepted", "Failed", " ", "password", " for ", "invalid user ", "root", " from ", "10.0.0.1", " port ", "22", " ssh2", ": ", "x"))
            .Select(parts => string.Concat(parts)));
}
