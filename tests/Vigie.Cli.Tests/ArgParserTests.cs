using Vigie.Cli.Arguments;
using Vigie.Cli.Commands;

namespace Vigie.Cli.Tests;

public class ArgParserTests
{
    private static readonly CommandSpec Spec = new("test", "help\n", ["start", "limit", "server"], ["follow"], 2);

    [Fact]
    public void Parse_SpaceAndEqualsForms_BothSetTheValue()
    {
        var args = ArgParser.Parse(["--start", "2026-01-01", "--limit=10"], Spec);

        Assert.Equal("2026-01-01", args.Get("start"));
        Assert.Equal("10", args.Get("limit"));
    }

    [Theory]
    [InlineData("-1h")]
    [InlineData("-15m")]
    [InlineData("--")]
    [InlineData("-")]
    public void Parse_ValueThatLooksLikeAFlag_IsTheValue(string value)
    {
        var args = ArgParser.Parse(["--start", value, "q"], Spec);

        Assert.Equal(value, args.Get("start"));
        Assert.Equal(["q"], args.Positionals);
    }

    [Fact]
    public void Parse_EqualsFormWithDashValue_IsTheValue()
    {
        Assert.Equal("-1h", ArgParser.Parse(["--start=-1h"], Spec).Get("start"));
    }

    [Fact]
    public void Parse_EmptyEqualsValue_IsEmpty()
    {
        Assert.Equal("", ArgParser.Parse(["--server="], Spec).Get("server"));
    }

    [Fact]
    public void Parse_SwitchesPositionalsAndDoubleDash_AreSorted()
    {
        var args = ArgParser.Parse(["a", "--follow", "--", "-b"], Spec);

        Assert.True(args.Has("follow"));
        Assert.Equal(["a", "-b"], args.Positionals);
    }

    [Fact]
    public void Parse_LoneDash_IsPositional()
    {
        Assert.Equal(["-"], ArgParser.Parse(["-"], Spec).Positionals);
    }

    [Fact]
    public void Parse_RepeatedFlag_LastWins()
    {
        Assert.Equal("2", ArgParser.Parse(["--limit", "1", "--limit", "2"], Spec).Get("limit"));
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    public void Parse_Help_IsFlagged(string flag)
    {
        Assert.True(ArgParser.Parse(["x", flag], Spec).Help);
    }

    [Theory]
    [InlineData(new[] { "--bogus", "1" }, "unknown flag --bogus")]
    [InlineData(new[] { "--bogus=1" }, "unknown flag --bogus")]
    [InlineData(new[] { "-x" }, "unknown flag -x (flags are spelt --name; use -- before a plain argument that starts with a dash)")]
    [InlineData(new[] { "--limit" }, "flag --limit needs a value")]
    [InlineData(new[] { "--follow=yes" }, "flag --follow takes no value")]
    [InlineData(new[] { "a", "b", "c" }, "unexpected argument 'c'")]
    public void Parse_BadCommandLine_NamesTheProblem(string[] argv, string message)
    {
        var e = Assert.Throws<UsageException>(() => ArgParser.Parse(argv, Spec));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Resolve_FlagOverEnvironmentOverDefault()
    {
        var environment = new Dictionary<string, string> { ["VIGIE_SERVER"] = "http://env:1" };
        string? Lookup(string name) => environment.GetValueOrDefault(name);

        Assert.Equal("http://flag:1", ArgParser.Parse(["--server", "http://flag:1"], Spec).Resolve("server", "VIGIE_SERVER", Lookup, "d"));
        Assert.Equal("http://env:1", ArgParser.Parse([], Spec).Resolve("server", "VIGIE_SERVER", Lookup, "d"));
        environment["VIGIE_SERVER"] = "";
        Assert.Equal("d", ArgParser.Parse([], Spec).Resolve("server", "VIGIE_SERVER", Lookup, "d"));
    }

    [Fact]
    public async Task RunAsync_UnknownFlag_ExitsWithTwoAndNamesIt()
    {
        var console = new TestConsole();

        var code = await CliApp.RunAsync(["query", "--colour", "x", "q"], console.Build(), CancellationToken.None);

        Assert.Equal(2, code);
        Assert.Equal("vigie query: unknown flag --colour\nrun 'vigie query --help' for usage\n", console.Error.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task RunAsync_UnknownCommand_ExitsWithTwo()
    {
        var console = new TestConsole();

        Assert.Equal(2, await CliApp.RunAsync(["frobnicate"], console.Build(), CancellationToken.None));
        Assert.Contains("unknown command 'frobnicate'", console.Error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("help")]
    [InlineData("--help")]
    public async Task RunAsync_NoArgumentsOrHelp_PrintsUsage(string commandLine)
    {
        var console = new TestConsole();

        Assert.Equal(0, await CliApp.RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries), console.Build(), CancellationToken.None));
        Assert.Equal(CliApp.Usage, console.Out.ToString());
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("query")]
    [InlineData("ingest")]
    [InlineData("version")]
    public async Task RunAsync_CommandHelp_PrintsItsFlags(string command)
    {
        var console = new TestConsole();

        Assert.Equal(0, await CliApp.RunAsync([command, "-h"], console.Build(), CancellationToken.None));
        Assert.StartsWith($"usage: vigie {command}", console.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Version_PrintsVigieAndDotnetVersions()
    {
        var console = new TestConsole();

        Assert.Equal(0, await CliApp.RunAsync(["version"], console.Build(), CancellationToken.None));
        var lines = console.Out.ToString().ReplaceLineEndings("\n").Split('\n');
        Assert.Equal($"vigie {VersionCommand.Version}", lines[0]);
        Assert.StartsWith(".NET ", lines[1], StringComparison.Ordinal);
    }
}
