
namespace Vigie.Shippers.Tests;

/// <summary>npm's gelf-pro (installed by scripts/install-test-deps.sh): UDP (zlib) and TCP (NUL-delimited).</summary>
[Collection(ShippersCollection.Name)]
public sealed class GelfProTests(ShipperServer server)
{
    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task GelfPro_InfoAndError_FoundWithLevelsAndFields(string adapter)
    {
        var marker = ShipperServer.Marker();
        var port = adapter == "udp" ? server.GelfUdp : server.GelfTcp;
        var modules = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "node_modules");
        Assert.True(Directory.Exists(Path.Combine(modules, "gelf-pro")), "npm's gelf-pro is missing: run scripts/install-test-deps.sh");
        var script = $$"""
            const gelf = require('gelf-pro');
            gelf.setConfig({ adapterName: '{{adapter}}', adapterOptions: { host: '127.0.0.1', port: {{port}} }, fields: { app: 'node-shop' } });
            gelf.info('started {{marker}}', { request_id: 'r-1' }, (err) => {
              if (err) { console.error(err); process.exit(1); }
              gelf.error('failed {{marker}}', { request_id: 'r-2' }, (err2) => { if (err2) { console.error(err2); process.exit(1); } process.exit(0); });
            });
            """;
        await ProcessRunner.RunOkAsync("node", ["-e", script], env: new Dictionary<string, string> { ["NODE_PATH"] = Path.GetFullPath(modules) });
        var rows = await server.WaitForAsync(marker, 2);
        Assert.All(rows, r => Assert.Equal("node-shop", r.Text("app")));
        Assert.Contains(rows, r => r.Text("_msg") == $"started {marker}" && r.Text("level") == "info" && r.Text("request_id") == "r-1");
        Assert.Contains(rows, r => r.Text("_msg") == $"failed {marker}" && r.Text("level") == "error" && r.Text("request_id") == "r-2");
    }
}
