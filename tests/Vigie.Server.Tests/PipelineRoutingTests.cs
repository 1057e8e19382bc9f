using System.Net;

namespace Vigie.Server.Tests;

/// <summary><c>_pipeline</c> in ingested events, through the real server and its config file.</summary>
public sealed class PipelineRoutingTests : IAsyncLifetime
{
    private readonly string _config = Path.Combine(Path.GetTempPath(), $"vigie-routing-{Guid.NewGuid():N}.yaml");
    private LiveServer _server = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_config, """
            pipelines:
              checkout:
                if: 'service:never'
                processors:
                  - grok: {pattern: '^order %{INT:order_id:int} paid %{NUMBER:amount:float}'}
            """);
        _server = await LiveServer.StartAsync(o => o with { ConfigFile = _config });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        File.Delete(_config);
    }

    [Fact]
    public async Task EventNamingAPipeline_GoesThroughIt_WithoutTheField_UnknownNameIsTagged()
    {
        var ndjson = LiveServer.Ndjson(
            new { _msg = "order 42 paid 19.90", service = "shop", run = "routing", _pipeline = "checkout" },
            new { _msg = "order 43 paid 5", service = "shop", run = "routing", _pipeline = "no-such" },
            new { _msg = "order 44 paid 7", service = "shop", run = "routing" });

        var (status, body) = await _server.IngestAsync(ndjson, "service");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body.GetProperty("accepted").GetInt32());
        var rows = await _server.QueryUntilAsync("run:routing", r => r.Count == 3);
        var routed = rows.Single(r => r.GetProperty("_msg").GetString()!.Contains("42", StringComparison.Ordinal));
        Assert.Equal(42, routed.GetProperty("order_id").GetInt32());
        Assert.Equal(19.9, routed.GetProperty("amount").GetDouble(), 3);
        Assert.False(routed.TryGetProperty("_pipeline", out _));
        var unknown = rows.Single(r => r.GetProperty("_msg").GetString()!.Contains("43", StringComparison.Ordinal));
        Assert.Equal("no-such", unknown.GetProperty("_pipeline").GetString());
        Assert.Contains("no-such", unknown.GetProperty("_pipeline_error").GetString(), StringComparison.Ordinal);
        Assert.False(unknown.TryGetProperty("order_id", out _));
        var plain = rows.Single(r => r.GetProperty("_msg").GetString()!.Contains("44", StringComparison.Ordinal));
        Assert.False(plain.TryGetProperty("order_id", out _));
        Assert.Equal(1, LiveServer.Sample(await _server.MetricsAsync(), "vigie_pipeline_unknown_name_events_total"));
    }
}
