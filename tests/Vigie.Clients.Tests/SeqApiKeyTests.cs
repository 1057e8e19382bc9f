using Serilog;

namespace Vigie.Clients.Tests;

/// <summary>Serilog's Seq sink against a server with API keys: the right key gets in, a wrong one is refused and counted.</summary>
public sealed class SeqApiKeyTests : IAsyncLifetime
{
    private ClientServer _server = null!;

    public async Task InitializeAsync() => _server = await ClientServer.StartAsync(apiKeys: ["seq-key-1", "seq-key-2"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private List<string> Send(string? apiKey, string run)
    {
        var failures = new List<string>();
        Serilog.Debugging.SelfLog.Enable(m => { lock (failures) { failures.Add(m); } });
        try
        {
            using var logger = new LoggerConfiguration().WriteTo.Seq(_server.BaseUrl, apiKey: apiKey).CreateLogger();
            logger.Information("Keyed event in {Run}", run);
        }
        finally
        {
            Serilog.Debugging.SelfLog.Disable();
        }
        return failures;
    }

    [Fact]
    public async Task SerilogSeqSink_WithOneOfTheKeys_IsStored_WithoutOrWithAWrongKey_IsRefused()
    {
        var good = Guid.NewGuid().ToString("N");
        var wrong = Guid.NewGuid().ToString("N");
        var none = Guid.NewGuid().ToString("N");

        Assert.Empty(Send("seq-key-2", good));
        Assert.NotEmpty(Send("not-a-key", wrong));
        Assert.NotEmpty(Send(null, none));

        Assert.Single(await _server.QueryUntilAsync($"Run:{good}", 1));
        await Task.Delay(600);
        Assert.Empty(await _server.QueryUntilAsync($"Run:{wrong} or Run:{none}", 1));
        var metrics = await _server.Client.GetStringAsync("/metrics");
        Assert.Contains("vigie_listener_unauthorized_requests_total{listener=\"seq\"} 2", metrics, StringComparison.Ordinal);
    }
}
