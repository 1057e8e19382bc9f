using Vigie.Cli.Arguments;
using Vigie.Cli.Commands;

namespace Vigie.Cli.Tests;

/// <summary><c>--max-unflushed</c> / <c>VIGIE_MAX_UNFLUSHED</c>: the store's back-pressure bound.</summary>
public class ServeMaxUnflushedTests
{
    [Fact]
    public void Options_Nothing_KeepsTheStoreDefault()
    {
        var options = ServeCommand.Options(ArgParser.Parse([], ServeCommand.Spec), _ => null);

        Assert.Null(options.MaxUnflushedBytes);
    }

    [Fact]
    public void Options_Environment_IsUsedWhenNoFlag()
    {
        var environment = new Dictionary<string, string> { ["VIGIE_MAX_UNFLUSHED"] = "64MB" };

        var options = ServeCommand.Options(ArgParser.Parse([], ServeCommand.Spec), environment.GetValueOrDefault);

        Assert.Equal(64_000_000, options.MaxUnflushedBytes);
    }

    [Fact]
    public void Options_Flag_WinsOverEnvironment()
    {
        var environment = new Dictionary<string, string> { ["VIGIE_MAX_UNFLUSHED"] = "64MB" };

        var options = ServeCommand.Options(ArgParser.Parse(["--max-unflushed", "40MiB"], ServeCommand.Spec), environment.GetValueOrDefault);

        Assert.Equal(40L * 1024 * 1024, options.MaxUnflushedBytes);
    }

    [Theory]
    [InlineData("8MiB", 8L * 1024 * 1024)]
    [InlineData("48MiB", 48L * 1024 * 1024)]
    [InlineData("1GB", 1_000_000_000)]
    [InlineData(" 100000000 ", 100_000_000)]
    public void ParseMaxUnflushed_ASize_GivesBytes(string text, long bytes)
    {
        Assert.Equal(bytes, ServeCommand.ParseMaxUnflushed(text));
    }

    [Theory]
    [InlineData("8MB")] // 8,000,000 bytes: under the 8 MiB floor
    [InlineData("0")]
    [InlineData("off")]
    [InlineData("lots")]
    [InlineData("-48MiB")]
    public void ParseMaxUnflushed_TooSmallOrNotASize_IsAUsageError(string text)
    {
        var e = Assert.Throws<UsageException>(() => ServeCommand.ParseMaxUnflushed(text));

        Assert.Contains("--max-unflushed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_NamesTheFlagAndItsVariable()
    {
        Assert.Contains("--max-unflushed SIZE", ServeCommand.Spec.Help, StringComparison.Ordinal);
        Assert.Contains("VIGIE_MAX_UNFLUSHED", ServeCommand.Spec.Help, StringComparison.Ordinal);
    }
}
