using Vigie.Cli.Arguments;
using Vigie.Cli.Commands;

namespace Vigie.Cli.Tests;

public class ServeListenerFlagsTests
{
    private static Vigie.Server.ListenerOptions Listeners(string[] args, Dictionary<string, string>? env = null, string? config = null)
    {
        var all = config is null ? args : [.. args, "--config", config];
        return ServeCommand.Options(ArgParser.Parse(all, ServeCommand.Spec), k => env?.GetValueOrDefault(k)).Listeners;
    }

    [Fact]
    public void Options_ListenerFlags_MoveAndDisable()
    {
        var l = Listeners(["--syslog-tcp", "0.0.0.0:1514", "--gelf-udp", "off", "--splunk", "off"]);
        Assert.True(l.SyslogTcp.Enabled);
        Assert.Equal("0.0.0.0:1514", l.SyslogTcp.Address);
        Assert.False(l.GelfUdp.Enabled);
        Assert.False(l.Splunk.Enabled);
        Assert.True(l.Fluent.Enabled);
        Assert.Equal("127.0.0.1:24224", l.Fluent.Address);
    }

    [Fact]
    public void Options_FlagWinsOverEnvironmentWhichWinsOverConfig()
    {
        var config = Path.GetTempFileName();
        try
        {
            File.WriteAllText(config, "pipelines:\n  anything: [1, 2]\nlisteners:\n  fluent: 127.0.0.1:3000\n  gelf-tcp:\n    address: 127.0.0.1:3001\n    streams: [host, app]\n  syslog-udp: off\n");
            var l = Listeners(["--fluent", "127.0.0.1:5000"], new() { ["VIGIE_FLUENT"] = "127.0.0.1:4000", ["VIGIE_GELF_TCP"] = "127.0.0.1:4001" }, config);
            Assert.Equal("127.0.0.1:5000", l.Fluent.Address);
            Assert.Equal("127.0.0.1:4001", l.GelfTcp.Address);
            Assert.Equal("host,app", l.GelfTcp.Streams);
            Assert.False(l.SyslogUdp.Enabled);
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Theory]
    [InlineData("listeners:\n  sylog-tcp: off\n", ":2:3: unknown listener 'sylog-tcp'")]
    [InlineData("listeners:\n  fluent:\n    adress: 1.2.3.4:5\n", ":3:5: fluent: unknown setting 'adress'")]
    [InlineData("listeners:\n  fluent: nowhere\n", ":2:11: fluent: expected on, off or HOST:PORT")]
    [InlineData("listeners:\n  fluent: [\n", ":")]
    [InlineData("listeners:\n  fluent:\n    enabled: maybe\n", ":3:14: fluent.enabled: expected true or false")]
    public void Options_BadConfig_SaysFileLineColumnAndWhy(string yaml, string expected)
    {
        var config = Path.GetTempFileName();
        try
        {
            File.WriteAllText(config, yaml);
            var e = Assert.Throws<UsageException>(() => Listeners([], null, config));
            Assert.StartsWith(config + ":", e.Message, StringComparison.Ordinal);
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Theory]
    [InlineData("--syslog-tcp", "localhost")]
    [InlineData("--gelf-http", "0.0.0.0:80")]
    public void Options_BadListenerValue_IsAUsageError(string flag, string value)
    {
        Assert.Throws<UsageException>(() => Listeners([flag, value]));
    }

    [Fact]
    public void Options_TlsWithoutCertificate_IsAUsageError()
    {
        var e = Assert.Throws<UsageException>(() => Listeners(["--syslog-tls", "on"]));
        Assert.Contains("--syslog-tls-cert", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_TlsCertificate_TurnsTlsOnAndSplunkTokensAreSplit()
    {
        var l = Listeners(["--syslog-tls-cert", "c.pem", "--splunk-token", "a, b"]);
        Assert.True(l.SyslogTls.Enabled);
        Assert.Equal(Path.GetFullPath("c.pem"), l.SyslogTlsCertificate);
        Assert.Equal(["a", "b"], l.SplunkTokens);
    }
}
