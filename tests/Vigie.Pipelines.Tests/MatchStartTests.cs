using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vigie.Pipelines.Configuration;
using Vigie.Pipelines.Grok;
using Vigie.Pipelines.Processors;

namespace Vigie.Pipelines.Tests;

/// <summary>
/// The first two characters a grok match can begin with (<see cref="MatchStart"/>) against the regex:
/// a line it turns away must never match, for every built-in grok expression and library patterns
/// written to trip the reader (classes, escapes, quantifiers, lookarounds, alternations), on real
/// lines, lines whose first characters are changed, glued pieces and random text, ASCII or not.
/// </summary>
public class MatchStartTests
{
    private static readonly Lazy<GrokExpression[]> BuiltIn = new(() =>
        [.. PipelineConfigLoader.BuiltInsOnly().SelectMany(p => p.Processors).OfType<GrokProcessor>().SelectMany(g => g.Patterns)]);

    private static readonly string[] Library =
    [
        "^%{IP:ip}", "^%{IPORHOST:h} %{WORD:w}", "^%{SYSLOGBASE} %{GREEDYDATA:m}", "^%{TIMESTAMP_ISO8601:t} %{LOGLEVEL:l}",
        "^\\[%{HTTPDATE:d}\\]", "^%{QS:q}$", "^%{UUID:u}", "^%{URI:u}", "^%{EMAILADDRESS:e}", "^%{HOSTPORT:hp}",
        "^%{NUMBER:n:float} %{WORD:w}", "^%{INT:i}?x", "^%{MAC:m}", "^%{PATH:p}", "^%{SPACE}%{WORD:w}", "^%{DATA:d}:",
        "^(?:ab|c)?d{2,3}[^x-z\\]]e", "^(?<![a])[\\x41-\\x43\\-]\\t?z", "^(?=q)qu|x", "^\\d*\\w{0,2}!", "^(?>a+)b", "^x{2}y", "^.{1,}z",
        "^[\\s\\S]k", "^\\u00e9t\\u00e9", "^caf\\u00e9", "^(?!ab)\\w\\w\\w",
    ];

    private static readonly Lazy<(string Source, Regex Regex, MatchStart? Start)[]> All = new(() =>
    [
        .. BuiltIn.Value.Select(e => (e.Source, e.Regex, e.Start)),
        .. Library.Select(l => GrokExpression.Compile(l)).Select(e => (e.Source, e.Regex, e.Start)),
    ]);

    private static readonly string[] Lines =
    [
        "sshd[4242]: Accepted publickey for deploy from 10.1.2.3 port 50000 ssh2: ED25519 SHA256:0123",
        "Accepted publickey for deploy from 198.51.100.7 port 50022 ssh2: ED25519 SHA256:Hk3yq1Xm2",
        "Nov 25 10:50:01 web-1 sshd[9121]: Failed password for invalid user admin from 203.0.113.50 port 41234 ssh2",
        "Sep  5 01:02:03 10.0.0.1 sshd: Invalid user oracle from 10.0.0.9 port 4242",
        "Invalid user oracle from 10.0.0.9 port 4242",
        "Received disconnect from 10.0.0.9 port 22:11: disconnected by user",
        "pam_unix(sshd:session): session opened for user root by (uid=0)",
        "Disconnected from authenticating user root 10.0.0.9 port 22 [preauth]",
        "Connection closed by invalid user x ::1 port 22",
        "2026/11/25 10:16:01 [error] 3170#3170: *1127 open() \"/x\" failed (2: No such file), client: 198.51.100.23, server: example.org, request: \"GET /x HTTP/1.1\", host: \"example.org\"",
        "[Wed Nov 25 10:20:33.512345 2026] [core:error] [pid 8812:tid 140071] [client 192.0.2.10:53212] AH00126: Invalid URI",
        "2026-11-25 10:40:12.345 UTC [2219] ERROR:  duplicate key value",
        "2026-11-25T10:40:12Z info started",
        "203.0.113.9 - alice [25/Nov/2026:10:15:42 +0100] \"POST /api HTTP/2.0\" 401 153 \"-\" \"curl\"",
        "fe80::1%eth0 rest", "::ffff:10.0.0.1", "web-1.example.org GET", "[25/Nov/2026:10:15:42 +0100]", "\"quoted \\\" text\"", "'single'",
        "0123abcd-0000-1111-2222-333344445555", "https://user:pw@host.example:8080/a/b?c=d", "first.last@example.org", "host:8080",
        "-12.5 word", "+3.0e1 x", "x", "12x", "00:1a:2b:3c:4d:5e", "/usr/bin/env", "C:\\Windows\\x", "   word", "data: more",
        "abdd.e", "cddde", "dd!e", "A\tz", "-z", "quack", "x", "12ab!", "!", "aaab", "xxy", "abcz", "\u00e9z", " k", "\nk",
        "\u00e9t\u00e9", "caf\u00e9", "\u00e9\u00e9\u00e9", "abc", "xyz",
    ];

    [Fact]
    public void The_sshd_patterns_turn_away_a_line_that_begins_with_the_program()
    {
        var accepted = BuiltIn.Value.First(e => e.Source.Contains("SSHD_OUTCOME", StringComparison.Ordinal));
        var start = accepted.Start;
        Assert.NotNull(start);
        Assert.False(start.MayMatch("sshd[4242]: Accepted publickey for deploy from 10.1.2.3 port 50000 ssh2"u8));
        Assert.True(start.MayMatch("Accepted publickey for deploy from 10.1.2.3 port 50000 ssh2"u8));
        Assert.True(start.MayMatch("Sep  5 01:02:03 web-1 sshd[1]: Failed password for x from 10.1.2.3 port 1"u8));
        // Every sshd pattern but the catch-all has a filter; '^.*$' matches the empty line and has none.
        var sshd = BuiltIn.Value.Where(e => e.Source.Contains("SSHD_PREFIX", StringComparison.Ordinal)).ToArray();
        Assert.Equal(5, sshd.Length);
        Assert.All(sshd, e => Assert.False(e.Start!.MayMatch("sshd[4242]: Disconnected from user x 10.0.0.1 port 22"u8)));
        Assert.Null(GrokExpression.Compile("^.*$").Start);
        // Not anchored, or anchored in one branch only: no filter.
        Assert.Null(GrokExpression.Compile("%{WORD:w} x").Start);
        Assert.Null(GrokExpression.Compile("^a|b").Start);
        // Inline options and backreferences are not read.
        Assert.Null(GrokExpression.Compile("^(?i)abc").Start);
        Assert.Null(GrokExpression.Compile("^(?<x>a)\\k<x>").Start);
    }

    [Property(MaxTest = 2000)]
    public Property A_line_it_turns_away_never_matches() =>
        Prop.ForAll(Gen.Choose(0, All.Value.Length - 1).ToArbitrary(), Line().ToArbitrary(), (k, line) =>
        {
            var (source, regex, start) = All.Value[k];
            if (start is not null && !start.MayMatch(Encoding.UTF8.GetBytes(line)))
            {
                Assert.False(regex.IsMatch(line), $"'{source}' matches '{line}', which its start turned away");
            }
        });

    [Fact]
    public void Every_line_that_matches_is_let_through()
    {
        foreach (var (source, regex, start) in All.Value)
        {
            foreach (var line in Lines)
            {
                if (start is not null && regex.IsMatch(line))
                {
                    Assert.True(start.MayMatch(Encoding.UTF8.GetBytes(line)), $"'{source}' matches '{line}' but its start turns it away");
                }
            }
        }
    }

    /// <summary>A real line as it is, with its first one or two characters replaced or removed, a prefix of another glued on, or random text.</summary>
    private static Gen<string> Line()
    {
        var chars = Gen.Elements("aAsSeJjFfNnDdMmOo0123456789 \t\n-_.:/[]()\"'\\@%+*!?{}#\u00e9\u00a0\u0663\u2603".ToCharArray());
        var random = Gen.ArrayOf(chars).Select(a => new string(a));
        var real = Gen.Elements(Lines);
        var changed =
            from line in real
            from first in chars
            from second in chars
            from how in Gen.Choose(0, 5)
            select how switch
            {
                0 => line,
                1 => first + line[Math.Min(1, line.Length)..],
                2 => line.Length > 1 ? line[0] + second.ToString() + line[2..] : line,
                3 => line[Math.Min(1, line.Length)..],
                4 => first.ToString() + second + line,
                _ => line[Math.Min(2, line.Length)..],
            };
        var glued = from a in real from b in real from cut in Gen.Choose(0, 12) select a[..Math.Min(cut, a.Length)] + b;
        return Gen.Frequency((5, changed), (2, glued), (2, random));
    }
}
