using System.Globalization;

namespace Vigie.Shippers.Tests;

/// <summary>
/// A real syslog-ng (Debian's package, unpacked by scripts/install-test-deps.sh since it conflicts with
/// rsyslog), forwarding with <c>syslog()</c> (RFC 5424, octet-counted) and <c>network()</c> (RFC 3164, LF).
/// </summary>
[Collection(ShippersCollection.Name)]
public sealed class SyslogNgTests(ShipperServer server)
{
    [Theory]
    [InlineData("syslog")]
    [InlineData("network")]
    public async Task SyslogNg_Destination_EveryLineFoundWithItsFields(string driver)
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "syslog-ng"));
        var binary = Path.Combine(root, "usr", "sbin", "syslog-ng");
        Assert.True(File.Exists(binary), "syslog-ng is missing: run scripts/install-test-deps.sh");
        var marker = ShipperServer.Marker();
        var dir = Directory.CreateTempSubdirectory("vigie-syslog-ng-").FullName;
        var input = Ports.FreeTcp();
        var config = Path.Combine(dir, "syslog-ng.conf");
        File.WriteAllText(config, $"""
            @version: 3.38
            options {"{"} keep-hostname(yes); {"}"};
            source s_in {"{"} network(ip("127.0.0.1") port({input}) transport("tcp")); {"}"};
            destination d_vigie {"{"} {driver}("127.0.0.1" transport("tcp") port({server.SyslogTcp})); {"}"};
            log {"{"} source(s_in); destination(d_vigie); {"}"};
            """);
        var syslogNg = ChildProcess.Start(binary,
            [
                "-F", "-f", config, "--module-path", Path.Combine(root, "usr", "lib", "syslog-ng", "3.38"),
                "--persist-file", Path.Combine(dir, "persist"), "--pidfile", Path.Combine(dir, "pid"), "--control", Path.Combine(dir, "ctl"),
            ],
            new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = Path.Combine(root, "usr", "lib", "syslog-ng") + ":" + Path.Combine(root, "usr", "lib") });
        try
        {
            await Ports.WaitTcpAsync(input, TimeSpan.FromSeconds(10));
            var lines = string.Join('\n', Enumerable.Range(1, 4).Select(i => $"item {i} {marker} shipped"));
            await ProcessRunner.RunOkAsync("logger", ["--tcp", "--rfc3164", "-n", "127.0.0.1", "-P", input.ToString(CultureInfo.InvariantCulture), "-t", "warehouse", "-p", "user.warning", "--id=31"], stdin: lines + "\n");
            var rows = await server.WaitForAsync(marker, 4);
            foreach (var row in rows)
            {
                Assert.Equal(System.Net.Dns.GetHostName(), row.Text("host"));
                Assert.Equal("warehouse", row.Text("service"));
                Assert.Equal("31", row.Text("pid"));
                Assert.Equal("warning", row.Text("level"));
                Assert.Matches($"^item [1-4] {marker} shipped$", row.Text("_msg"));
            }
        }
        finally
        {
            syslogNg.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }
}
