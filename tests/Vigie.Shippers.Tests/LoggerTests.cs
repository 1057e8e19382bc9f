
namespace Vigie.Shippers.Tests;

/// <summary>util-linux <c>logger</c>: every framing it has, over TCP and UDP, RFC 3164 and RFC 5424.</summary>
[Collection(ShippersCollection.Name)]
public sealed class LoggerTests(ShipperServer server)
{
    public static TheoryData<string, string[]> Framings => new()
    {
        { "tcp", ["--tcp", "--rfc5424"] },
        { "tcp", ["--tcp", "--rfc3164"] },
        { "tcp", ["--tcp", "--octet-count", "--rfc5424"] },
        { "tcp", ["--tcp", "--octet-count", "--rfc3164"] },
        { "udp", ["--udp", "--rfc5424"] },
        { "udp", ["--udp", "--rfc3164"] },
        { "udp", ["--udp", "--octet-count", "--rfc5424"] },
    };

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task Logger_EachFraming_EveryLineFoundWithItsFields(string transport, string[] flags)
    {
        var marker = ShipperServer.Marker();
        var port = transport == "tcp" ? server.SyslogTcp : server.SyslogUdp;
        var lines = string.Join('\n', Enumerable.Range(1, 5).Select(i => $"line {i} of {marker} with, some: text"));
        await ProcessRunner.RunOkAsync("logger", [.. flags, "-n", "127.0.0.1", "-P", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-t", "billing", "-p", "local3.warning", "--id=4242", "--skip-empty"], stdin: lines + "\n");
        var rows = await server.WaitForAsync(marker, 5);
        foreach (var row in rows)
        {
            Assert.Equal(System.Net.Dns.GetHostName(), row.Text("host"));
            Assert.Equal("billing", row.Text("service"));
            Assert.Equal("warning", row.Text("level"));
            Assert.Equal("local3", row.Text("facility"));
            Assert.Equal("4242", row.Text("pid"));
            Assert.Matches($"^line [1-5] of {marker} with, some: text$", row.Text("_msg"));
        }
        Assert.Equal(5, rows.Select(r => r.Text("_msg")).Distinct().Count());
    }

    [Fact]
    public async Task Logger_StructuredData_BecomesFields()
    {
        var marker = ShipperServer.Marker();
        await ProcessRunner.RunOkAsync("logger", ["--tcp", "--rfc5424", "-n", "127.0.0.1", "-P", server.SyslogTcp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-t", "shop", "--msgid", "ORDER", "--sd-id", "order@32473", "--sd-param", "id=\"A-17\"", "--sd-param", "total=\"12.5\"", $"order placed {marker}"]);
        var row = Assert.Single(await server.WaitForAsync(marker, 1));
        Assert.Equal("A-17", row.Text("order.id"));
        Assert.Equal("12.5", row.Text("order.total"));
        Assert.Equal("ORDER", row.Text("msgid"));
        Assert.Equal($"order placed {marker}", row.Text("_msg"));
    }
}
