using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net;
using System.Text;

namespace Vigie.Shippers.Tests;

/// <summary>Bad and hostile input on real sockets: the listener keeps serving, counts what it refused, keeps the good events.</summary>
[Collection(ShippersCollection.Name)]
public sealed class ListenerRobustnessTests(ShipperServer server)
{
    private static double Rejected(string metrics, string listener) => ShipperServer.Sample(metrics, $"vigie_listener_events_total{{listener=\"{listener}\",result=\"rejected\"}}");

    [Fact]
    public async Task SyslogTcp_TenMegabyteLineBetweenGoodOnes_GoodKeptBadCounted()
    {
        var marker = ShipperServer.Marker();
        var before = Rejected(await server.MetricsAsync(), "syslog-tcp");
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, server.SyslogTcp);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.UTF8.GetBytes($"<13>1 - h app - - - first {marker}\n"));
            var huge = new byte[10 * 1024 * 1024];
            Array.Fill(huge, (byte)'x');
            await stream.WriteAsync(Encoding.UTF8.GetBytes("<13>1 - h app - - - "));
            await stream.WriteAsync(huge);
            await stream.WriteAsync(Encoding.UTF8.GetBytes($"\n<13>1 - h app - - - second {marker}\n"));
        }
        var rows = await server.WaitForAsync(marker, 2);
        Assert.Equal([$"first {marker}", $"second {marker}"], rows.Select(r => r.Text("_msg")).Order(StringComparer.Ordinal));
        Assert.Equal(before + 1, Rejected(await server.MetricsAsync(), "syslog-tcp"));
    }

    [Fact]
    public async Task FluentTcp_Garbage_ConnectionClosedListenerStillServes()
    {
        var marker = ShipperServer.Marker();
        var before = Rejected(await server.MetricsAsync(), "fluent");
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, server.Fluent);
            var stream = client.GetStream();
            // A good message, then bytes that are not MessagePack, in one write.
            byte[] good = [0x93, 0xa1, (byte)'t', 0x00, 0x81, 0xa7, .. "message"u8, 0xb0, .. Encoding.ASCII.GetBytes("before " + marker[..9])];
            await stream.WriteAsync(good.Concat(new byte[] { 0xc1, 0xc1, 0xc1 }).ToArray());
            // The server closes the connection: reading ends.
            var buffer = new byte[16];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            Assert.Equal(0, await stream.ReadAsync(buffer, timeout.Token));
        }
        Assert.Equal(before + 1, Rejected(await server.MetricsAsync(), "fluent"));
        await ProcessRunner.RunOkAsync("/usr/bin/python3", ["-c", $"from fluent import sender\ns = sender.FluentSender('t', host='127.0.0.1', port={server.Fluent})\nassert s.emit('x', {{'message': 'after {marker}'}}), s.last_error\ns.close()"]);
        await server.WaitForAsync(marker, 1);
        await server.WaitForAsync(marker[..9], 1);
    }

    [Fact]
    public async Task SyslogTcp_SlowlorisConnections_OthersStillServed()
    {
        var marker = ShipperServer.Marker();
        var slow = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 200; i++)
            {
                var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, server.SyslogTcp);
                // A frame that never ends.
                await c.GetStream().WriteAsync(Encoding.UTF8.GetBytes("<13>1 - h a - - - never end"));
                slow.Add(c);
            }
            await ProcessRunner.RunOkAsync("logger", ["--tcp", "-n", "127.0.0.1", "-P", server.SyslogTcp.ToString(System.Globalization.CultureInfo.InvariantCulture), $"served {marker}"]);
            await server.WaitForAsync(marker, 1);
            var metrics = await server.MetricsAsync();
            Assert.True(ShipperServer.Sample(metrics, "vigie_listener_open_connections{listener=\"syslog-tcp\"}") >= 200);
        }
        finally
        {
            foreach (var c in slow)
            {
                c.Dispose();
            }
        }
    }

    [Fact]
    public async Task GelfHttp_PostGzipMessage_StoredAnd202()
    {
        var marker = ShipperServer.Marker();
        using var content = new ByteArrayContent(GzipBytes($$"""{"version":"1.1","host":"http-host","short_message":"via http {{marker}}","_app":"shop"}"""));
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await server.Client.PostAsync("/gelf", content);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var row = Assert.Single(await server.WaitForAsync(marker, 1));
        Assert.Equal("shop", row.Text("app"));
        using var bad = await server.Client.PostAsync("/gelf", new StringContent("{\"short_message\":"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task SplunkHec_Tokens_HealthAndRaw()
    {
        var marker = ShipperServer.Marker();
        using (var health = await server.Client.GetAsync("/services/collector/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        using (var none = await server.Client.PostAsync("/services/collector/event", new StringContent("{\"event\":\"x\"}")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        }
        using (var wrong = new HttpRequestMessage(HttpMethod.Post, "/services/collector/event") { Content = new StringContent("{\"event\":\"x\"}") })
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Splunk", "nope");
            using var answer = await server.Client.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        }
        using (var raw = new HttpRequestMessage(HttpMethod.Post, "/services/collector/raw?host=raw-host&sourcetype=syslog") { Content = new StringContent($"raw one {marker}\nraw two {marker}\n") })
        {
            raw.Headers.Authorization = new AuthenticationHeaderValue("Splunk", ShipperServer.SplunkToken);
            using var answer = await server.Client.SendAsync(raw);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("{\"text\":\"Success\",\"code\":0}", await answer.Content.ReadAsStringAsync());
        }
        var rows = await server.WaitForAsync(marker, 2);
        Assert.All(rows, r => Assert.Equal("raw-host", r.Text("host")));
        using (var bad = new HttpRequestMessage(HttpMethod.Post, "/services/collector/event") { Content = new StringContent($"{{\"event\":\"kept {marker}\"}}{{\"nope\":1}}") })
        {
            bad.Headers.Authorization = new AuthenticationHeaderValue("Splunk", ShipperServer.SplunkToken);
            using var answer = await server.Client.SendAsync(bad);
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            Assert.Contains("\"invalid_event_number\":1", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        await server.WaitForAsync(marker, 3);
    }

    private static byte[] GzipBytes(string text)
    {
        using var output = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest))
        {
            gz.Write(Encoding.UTF8.GetBytes(text));
        }
        return output.ToArray();
    }
}
