using System.Net;

namespace Vigie.Server.Tests;

/// <summary>Concurrent ingest requests share WAL fsyncs.</summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private LiveServer _server = null!;

    public async Task InitializeAsync() => _server = await LiveServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Ingest_FiftyConcurrentRequests_AllAcknowledgedWithFewerFsyncsThanRequests()
    {
        const int requests = 50, perRequest = 100;
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, requests).Select(r => Task.Run(async () =>
        {
            var body = LiveServer.Ndjson([.. Enumerable.Range(0, perRequest).Select(i => (object)new { _msg = "concurrent", id = $"{r}-{i}" })]);
            start.Wait();
            return await _server.IngestAsync(body);
        })).ToList();
        start.Set();

        var answers = await Task.WhenAll(tasks);

        Assert.All(answers, a =>
        {
            Assert.Equal(HttpStatusCode.OK, a.Status);
            Assert.Equal(perRequest, a.Body.GetProperty("accepted").GetInt32());
        });
        var metrics = await _server.MetricsAsync();
        var fsyncs = LiveServer.Sample(metrics, "vigie_wal_fsyncs_total");
        Assert.InRange(fsyncs, 1, requests - 1);
        Assert.Equal(requests * perRequest, LiveServer.Sample(metrics, "vigie_store_events_total"));
        var rows = await _server.QueryUntilAsync("* | stats count() as n, count_distinct(id) as ids", r => r.Count == 1 && r[0].GetProperty("n").GetInt32() == requests * perRequest);
        Assert.Equal(requests * perRequest, rows[0].GetProperty("n").GetInt32());
        Assert.Equal(requests * perRequest, rows[0].GetProperty("ids").GetInt32());
    }
}
