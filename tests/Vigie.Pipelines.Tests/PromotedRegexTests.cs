using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vigie.Pipelines.Grok;

namespace Vigie.Pipelines.Tests;

public class PromotedRegexTests
{
    private const string Pattern = "^%{SYSLOGTIMESTAMP:timestamp} %{SYSLOGHOST:host} %{DATA:program}(?:\\[%{POSINT:pid:int}\\])?: %{GREEDYDATA:message}$";

    [Fact]
    public void An_expression_runs_interpreted_until_used_often_then_compiled()
    {
        var g = GrokExpression.Compile(Pattern);
        Assert.False(g.IsCompiled);
        Assert.DoesNotContain(System.Text.RegularExpressions.RegexOptions.Compiled.ToString(), g.Regex.Options.ToString(), StringComparison.Ordinal);
        for (var i = 0; i < PromotedRegex.CompileAfter; i++)
        {
            Assert.Matches(g.Regex, "Nov 25 23:30:01 web-1 sshd[42]: Accepted publickey for root");
        }
        // Built in the background: wait for it (seconds at most, on a busy machine).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!g.IsCompiled && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }
        Assert.True(g.IsCompiled);
        Assert.True(g.Regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.Compiled));
        Assert.Equal(GrokExpression.MatchTimeout, g.Regex.MatchTimeout);
    }

    /// <summary>Both forms of one expression give the same captures, numbered the same, for any line.</summary>
    [Property(MaxTest = 300)]
    public Property Interpreted_and_compiled_forms_capture_alike(NonNull<string> program, PositiveInt pid, NonNull<string> message, bool withPid)
    {
        var line = $"Nov  5 01:02:03 host-{pid.Get % 7} {program.Get}{(withPid ? $"[{pid.Get}]" : "")}: {message.Get}";
        var interpreted = Compiled.Value.Interpreted;
        var compiled = Compiled.Value.Compiled;
        var a = interpreted.Regex.Match(line);
        var b = compiled.Regex.Match(line);
        var same = a.Success == b.Success
            && interpreted.Captures.Zip(compiled.Captures).All(p => p.First.Group == p.Second.Group
                && a.Groups[p.First.Group].Success == b.Groups[p.Second.Group].Success
                && a.Groups[p.First.Group].Value == b.Groups[p.Second.Group].Value);
        return same.Label(line);
    }

    /// <summary>One expression left interpreted and one driven past its promotion, built once for all cases.</summary>
    private static readonly Lazy<(GrokExpression Interpreted, GrokExpression Compiled)> Compiled = new(() =>
    {
        var interpreted = GrokExpression.Compile(Pattern);
        var compiled = GrokExpression.Compile(Pattern);
        for (var i = 0; i < PromotedRegex.CompileAfter; i++)
        {
            _ = compiled.Regex;
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!compiled.IsCompiled && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }
        Assert.True(compiled.IsCompiled);
        Assert.False(interpreted.IsCompiled);
        return (interpreted, compiled);
    });
}
