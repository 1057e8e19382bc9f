using System.Globalization;

namespace Vigie.Shippers.Tests;

/// <summary>Syslog over TLS (RFC 5425) with a certificate made by openssl, sent by openssl's own client.</summary>
[Collection(ShippersCollection.Name)]
public sealed class SyslogTlsTests(ShipperServer server)
{
    [Fact]
    public async Task OpensslClient_OctetCountedAndLfFrames_Found()
    {
        var marker = ShipperServer.Marker();
        var counted = $"<14>1 2026-11-25T10:00:00Z tls-host app - - - counted {marker}";
        var input = $"{System.Text.Encoding.UTF8.GetByteCount(counted)} {counted}<14>Nov 25 10:00:00 tls-host app: line {marker}\n";
        // -quiet implies -ign_eof: -no_ign_eof makes s_client end at the end of its input.
        await ProcessRunner.RunOkAsync("openssl", ["s_client", "-quiet", "-no_ign_eof", "-connect", "127.0.0.1:" + server.SyslogTls.ToString(CultureInfo.InvariantCulture)], stdin: input, timeout: TimeSpan.FromSeconds(20));
        var rows = await server.WaitForAsync(marker, 2);
        Assert.All(rows, r => Assert.Equal("tls-host", r.Text("host")));
        Assert.Contains(rows, r => r.Text("_msg") == $"counted {marker}");
        Assert.Contains(rows, r => r.Text("_msg") == $"line {marker}");
    }
}
