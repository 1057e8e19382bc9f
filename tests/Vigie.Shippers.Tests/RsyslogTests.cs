using System.Globalization;

namespace Vigie.Shippers.Tests;

/// <summary>A real rsyslogd, in the foreground with its own config, forwarding with <c>omfwd</c>.</summary>
[Collection(ShippersCollection.Name)]
public sealed class RsyslogTests(ShipperServer server)
{
    public static TheoryData<string, string, string> Forwards => new()
    {
        // protocol, framing, template
        { "tcp", "traditional", "RSYSLOG_ForwardFormat" },
        { "tcp", "octet-counted", "RSYSLOG_SyslogProtocol23Format" },
        { "tcp", "traditional", "RSYSLOG_SyslogProtocol23Format" },
        { "udp", "traditional", "RSYSLOG_TraditionalForwardFormat" },
        { "udp", "traditional", "RSYSLOG_SyslogProtocol23Format" },
    };

    [Theory]
    [MemberData(nameof(Forwards))]
    public async Task Rsyslog_Omfwd_EveryLineFoundWithItsFields(string protocol, string framing, string template)
    {
        var marker = ShipperServer.Marker();
        var dir = Directory.CreateTempSubdirectory("vigie-rsyslog-").FullName;
        var input = Ports.FreeTcp();
        var target = protocol == "tcp" ? server.SyslogTcp : server.SyslogUdp;
        var framingOption = protocol == "tcp" ? $" TCP_Framing=\"{framing}\"" : "";
        File.WriteAllText(Path.Combine(dir, "rsyslog.conf"), $"""
            global(workDirectory="{dir}")
            module(load="imtcp")
            input(type="imtcp" address="127.0.0.1" port="{input}")
            action(type="omfwd" target="127.0.0.1" port="{target}" protocol="{protocol}"{framingOption} template="{template}")
            """);
        var rsyslogd = ChildProcess.Start("rsyslogd", "-n", "-f", Path.Combine(dir, "rsyslog.conf"), "-i", Path.Combine(dir, "rsyslogd.pid"));
        try
        {
            await Ports.WaitTcpAsync(input, TimeSpan.FromSeconds(10));
            var lines = string.Join('\n', Enumerable.Range(1, 5).Select(i => $"event {i} {marker} done"));
            await ProcessRunner.RunOkAsync("logger", ["--tcp", "--rfc3164", "-n", "127.0.0.1", "-P", input.ToString(CultureInfo.InvariantCulture), "-t", "payments", "-p", "daemon.err", "--id=77"], stdin: lines + "\n");
            var rows = await server.WaitForAsync(marker, 5);
            foreach (var row in rows)
            {
                Assert.Equal(System.Net.Dns.GetHostName(), row.Text("host"));
                Assert.Equal("payments", row.Text("service"));
                Assert.Equal("error", row.Text("level"));
                Assert.Equal("daemon", row.Text("facility"));
                Assert.Matches($"^event [1-5] {marker} done$", row.Text("_msg"));
            }
        }
        finally
        {
            rsyslogd.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }
}
