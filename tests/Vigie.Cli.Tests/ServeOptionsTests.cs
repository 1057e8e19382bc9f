using Vigie.Cli.Arguments;
using Vigie.Cli.Commands;

namespace Vigie.Cli.Tests;

public class ServeOptionsTests
{
    [Theory]
    [InlineData("20GB", 20_000_000_000)]
    [InlineData("500MB", 500_000_000)]
    [InlineData("500mb", 500_000_000)]
    [InlineData("1.5GiB", 1_610_612_736)]
    [InlineData("2 KiB", 2048)]
    [InlineData("1kb", 1000)]
    [InlineData("4096", 4096)]
    [InlineData("10B", 10)]
    [InlineData("1TB", 1_000_000_000_000)]
    [InlineData("1TiB", 1_099_511_627_776)]
    public void TryParse_Size_GivesBytes(string text, long bytes)
    {
        Assert.True(ByteSize.TryParse(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("GB")]
    [InlineData("20XB")]
    [InlineData("-5MB")]
    [InlineData("1.2.3GB")]
    [InlineData("99999999999PB")]
    public void TryParse_NotASize_Fails(string text)
    {
        Assert.False(ByteSize.TryParse(text, out _));
    }

    [Fact]
    public void Options_Nothing_GivesDefaults()
    {
        var options = ServeCommand.Options(ArgParser.Parse([], ServeCommand.Spec), _ => null);

        Assert.Equal(Path.GetFullPath("./vigie-data"), options.DataDir);
        Assert.Equal("127.0.0.1:9880", options.Listen);
        Assert.Null(options.Retention);
        Assert.Null(options.MaxDiskBytes);
    }

    [Fact]
    public void Options_Environment_IsUsedWhenNoFlag()
    {
        var environment = new Dictionary<string, string>
        {
            ["VIGIE_DATA"] = "/var/lib/vigie",
            ["VIGIE_LISTEN"] = "0.0.0.0:9000",
            ["VIGIE_RETENTION"] = "30d",
            ["VIGIE_MAX_DISK"] = "20GB",
        };

        var options = ServeCommand.Options(ArgParser.Parse(["--listen", "[::1]:9001"], ServeCommand.Spec), environment.GetValueOrDefault);

        Assert.Equal("/var/lib/vigie", options.DataDir);
        Assert.Equal("[::1]:9001", options.Listen);
        Assert.Equal(TimeSpan.FromDays(30), options.Retention);
        Assert.Equal(20_000_000_000, options.MaxDiskBytes);
    }

    [Fact]
    public void Options_Flags_WinOverEnvironment()
    {
        var environment = new Dictionary<string, string> { ["VIGIE_RETENTION"] = "30d", ["VIGIE_MAX_DISK"] = "20GB" };

        var options = ServeCommand.Options(ArgParser.Parse(["--retention=12h", "--max-disk", "off", "--data", "d"], ServeCommand.Spec), environment.GetValueOrDefault);

        Assert.Equal(TimeSpan.FromHours(12), options.Retention);
        Assert.Null(options.MaxDiskBytes);
        Assert.Equal(Path.GetFullPath("d"), options.DataDir);
    }

    [Theory]
    [InlineData("--listen", "localhost", "invalid --listen 'localhost': expected HOST:PORT, e.g. 127.0.0.1:9880 or 0.0.0.0:9880")]
    [InlineData("--listen", "h:70000", "invalid --listen 'h:70000': expected HOST:PORT, e.g. 127.0.0.1:9880 or 0.0.0.0:9880")]
    [InlineData("--retention", "30 days", "invalid --retention '30 days': expected an age like 30d, 12w, 36h or off")]
    [InlineData("--max-disk", "lots", "invalid --max-disk 'lots': expected a size like 20GB, 500MB, 1.5GiB, a byte count or off")]
    public void Options_BadValue_NamesTheFlag(string flag, string value, string message)
    {
        var e = Assert.Throws<UsageException>(() => ServeCommand.Options(ArgParser.Parse([flag, value], ServeCommand.Spec), _ => null));

        Assert.Equal(message, e.Message);
    }
}
