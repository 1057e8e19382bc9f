
namespace Vigie.Shippers.Tests;

/// <summary>Debian's ruby-gelf: zlib-compressed UDP, chunked when large.</summary>
[Collection(ShippersCollection.Name)]
public sealed class RubyGelfTests(ShipperServer server)
{
    [Theory]
    [InlineData(10)]
    [InlineData(20000)]
    public async Task RubyGelf_Notify_MessageFoundWithAdditionalFields(int padding)
    {
        var marker = ShipperServer.Marker();
        // Random padding does not compress: a large message must be chunked.
        var script = $$"""
            require 'gelf'
            require 'securerandom'
            n = GELF::Notifier.new('127.0.0.1', {{server.GelfUdp}}, 'WAN', { 'host' => 'ruby-host', 'facility' => 'shop' })
            n.notify!(short_message: 'paid {{marker}}', full_message: 'x' + SecureRandom.hex({{padding}}), level: GELF::FATAL, _user_id: 42, _order: 'A-1')
            """;
        await ProcessRunner.RunOkAsync("ruby", ["-e", script]);
        var row = Assert.Single(await server.WaitForAsync(marker, 1));
        Assert.Equal($"paid {marker}", row.Text("_msg"));
        Assert.Equal("ruby-host", row.Text("host"));
        // ruby-gelf sends its FATAL as syslog severity 3 (err).
        Assert.Equal("error", row.Text("level"));
        Assert.Equal("shop", row.Text("facility"));
        Assert.Equal("42", row.Text("user_id"));
        Assert.Equal("A-1", row.Text("order"));
        Assert.Equal(1 + 2 * padding, row.Text("full_message")!.Length);
    }
}
