using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Agent.Delivery;
using Vigie.Agent.Tests.Support;
using static Vigie.Agent.Tests.Delivery.BufferHelpers;

namespace Vigie.Agent.Tests.Delivery;

/// <summary>The shipper against the real server: down, up, restarted; every line stored once.</summary>
public sealed class ShipperTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-agent-shipper-").FullName;
    private readonly RestartableServer _server = new();
    private readonly DeliveryMetrics _metrics = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private ShipperOptions Options(string agentId = "agent1") => new()
    {
        Server = _server.Url,
        AgentId = agentId,
        BackoffBase = TimeSpan.FromMilliseconds(50),
        BackoffCap = TimeSpan.FromMilliseconds(400),
        AuthRetry = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task ServerDownThenUp_ThenRestarted_EveryLineStoredOnce()
    {
        var web = Origin("docker:web");
        var db = Origin("docker:db");
        await using var buffer = Open(_dir, metrics: _metrics);
        using var shipper = new Shipper(buffer, Options(), _metrics, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var shipping = shipper.RunAsync(stop.Token);

        // The server is not there yet: lines pile up in the buffer, the shipper retries.
        for (var i = 1; i <= 1500; i++)
        {
            await buffer.AppendAsync(Line(web, i), CancellationToken.None);
            await buffer.AppendAsync(Line(db, i), CancellationToken.None);
        }
        await buffer.FlushAsync(CancellationToken.None);
        await WaitAsync(() => Interlocked.Read(ref _metrics.Retries) >= 3, "retries while the server is down");
        Assert.Equal(3000, buffer.PendingLines);
        Assert.Equal(0, Interlocked.Read(ref _metrics.BatchesSent));

        await _server.StartAsync();
        await WaitAsync(() => buffer.PendingLines == 0, "the buffer to drain");
        var rows = await _server.RowsAsync("*", 3000);
        AssertOnceEach(rows, 1500, "docker:web", "docker:db");
        Assert.True(Interlocked.Read(ref _metrics.LastSendUnixMs) > 0);

        // Down again while more lines come, then back on the same data: the new lines arrive once too.
        await _server.StopAsync();
        for (var i = 1501; i <= 2000; i++)
        {
            await buffer.AppendAsync(Line(web, i), CancellationToken.None);
        }
        await buffer.FlushAsync(CancellationToken.None);
        var retries = Interlocked.Read(ref _metrics.Retries);
        await WaitAsync(() => Interlocked.Read(ref _metrics.Retries) > retries, "retries while the server is stopped");
        await _server.StartAsync();
        await WaitAsync(() => buffer.PendingLines == 0, "the buffer to drain again");
        rows = await _server.RowsAsync("*", 3500);
        AssertOnceEach(rows.Where(r => r.GetProperty("container").GetString() == "docker:web").ToList(), 2000, "docker:web");
        Assert.Equal(3500, rows.Count);
        Assert.Equal(3500, Interlocked.Read(ref _metrics.LinesSent));

        await stop.CancelAsync();
        await shipping;
    }

    [Fact]
    public async Task Retries_CarryTheSameIdempotencyKey_AcrossARestartToo()
    {
        await _server.StartAsync();
        var origin = Origin("docker:key");
        var recorder = new FlakyHandler(failFirst: 2);
        await using (var buffer = Open(_dir, metrics: _metrics))
        {
            for (var i = 1; i <= 250; i++)
            {
                await buffer.AppendAsync(Line(origin, i), CancellationToken.None);
            }
            await buffer.FlushAsync(CancellationToken.None);
            using var shipper = new Shipper(buffer, Options("agent-7"), _metrics, NullLogger.Instance, recorder);
            using var stop = new CancellationTokenSource();
            var shipping = shipper.RunAsync(stop.Token);
            await WaitAsync(() => buffer.PendingLines == 0, "the buffer to drain");
            await stop.CancelAsync();
            await shipping;
            var seqs = PendingRecords(buffer);
            Assert.Empty(seqs);
        }
        // Two failures on the first record: three attempts with one key; then one per record.
        var keys = recorder.Keys;
        Assert.Equal(["agent-7-1", "agent-7-1", "agent-7-1", "agent-7-2", "agent-7-3"], keys);
        Assert.All(recorder.Requests, r => Assert.Equal("gzip", r.ContentEncoding));
        Assert.Equal(250, (await _server.RowsAsync("*", 250)).Count);

        // An answer lost after the server stored the batch: the batch goes again under the key it had.
        var lost = new FlakyHandler(failFirst: 0, loseAnswers: 1);
        await using (var buffer = Open(_dir, metrics: _metrics))
        {
            await buffer.AppendAsync(Line(origin, 251), CancellationToken.None);
            await buffer.FlushAsync(CancellationToken.None);
            var seq = PendingRecords(buffer).Single().Seq;
            using var shipper = new Shipper(buffer, Options("agent-7"), _metrics, NullLogger.Instance, lost);
            using var stop = new CancellationTokenSource();
            var shipping = shipper.RunAsync(stop.Token);
            await WaitAsync(() => buffer.PendingLines == 0, "the resend");
            await stop.CancelAsync();
            await shipping;
            Assert.Equal([$"agent-7-{seq}", $"agent-7-{seq}"], lost.Keys);
        }
        // The server kept the key: the second send stored nothing.
        Assert.Equal(251, (await _server.RowsAsync("*", 251)).Count);
        Assert.Equal(1, Interlocked.Read(ref _metrics.DuplicateBatches));
    }

    [Fact]
    public async Task AWrongApiKey_KeepsTheLinesUntilARightOne()
    {
        await _server.StartAsync(o => o with { ApiKeys = ["right-key"] });
        var origin = Origin("docker:auth");
        await using var buffer = Open(_dir, metrics: _metrics);
        for (var i = 1; i <= 120; i++)
        {
            await buffer.AppendAsync(Line(origin, i), CancellationToken.None);
        }
        await buffer.FlushAsync(CancellationToken.None);
        using (var wrong = new Shipper(buffer, Options() with { ApiKey = "wrong-key" }, _metrics, NullLogger.Instance))
        {
            using var stop = new CancellationTokenSource();
            var shipping = wrong.RunAsync(stop.Token);
            await WaitAsync(() => Interlocked.Read(ref _metrics.Retries) >= 2, "refused attempts");
            await stop.CancelAsync();
            await shipping;
        }
        Assert.Equal(120, buffer.PendingLines);
        Assert.Empty(await _server.RowsAsync("*", 0));
        using (var right = new Shipper(buffer, Options() with { ApiKey = "right-key" }, _metrics, NullLogger.Instance))
        {
            using var stop = new CancellationTokenSource();
            var shipping = right.RunAsync(stop.Token);
            await WaitAsync(() => buffer.PendingLines == 0, "the buffer to drain");
            await stop.CancelAsync();
            await shipping;
        }
        Assert.Equal(120, (await _server.RowsAsync("*", 120)).Count);
    }

    [Fact]
    public async Task Answers_RefusedBatchIsDone_AuthKeepsTrying_RetryAfterIsHonoured()
    {
        var origin = Origin("docker:answers");
        var handler = new ScriptedHandler(
            _ => new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent("{\"error\":\"missing or invalid API key\"}") },
            _ => new HttpResponseMessage(HttpStatusCode.Forbidden),
            _ =>
            {
                var busy = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("{\"error\":\"disk full\"}") };
                busy.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromMilliseconds(300));
                return busy;
            },
            _ => new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent("{\"accepted\":0,\"rejected\":100,\"errors\":[{\"line\":1,\"error\":\"bad\"}]}") },
            _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"accepted\":98,\"rejected\":2,\"errors\":[{\"line\":3,\"error\":\"bad\"}]}") },
            _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"accepted\":0,\"rejected\":0,\"errors\":[],\"duplicate\":true}") });
        await using var buffer = Open(_dir, metrics: _metrics);
        for (var i = 1; i <= 300; i++)
        {
            await buffer.AppendAsync(Line(origin, i), CancellationToken.None);
        }
        await buffer.FlushAsync(CancellationToken.None);
        using var shipper = new Shipper(buffer, Options() with { ApiKey = "k-123" }, _metrics, NullLogger.Instance, handler);
        using var stop = new CancellationTokenSource();
        var shipping = shipper.RunAsync(stop.Token);
        await WaitAsync(() => buffer.PendingLines == 0, "three batches done");
        await stop.CancelAsync();
        await shipping;

        var calls = handler.Calls;
        Assert.Equal(6, calls.Count);
        // 401, 403 and 503 kept the first batch; 400 ended it; the next two were taken.
        Assert.Equal(["agent1-1", "agent1-1", "agent1-1", "agent1-1", "agent1-2", "agent1-3"], calls.Select(c => c.Key));
        Assert.All(calls, c => Assert.Equal("Bearer k-123", c.Authorization));
        Assert.True(calls[3].At - calls[2].At >= TimeSpan.FromMilliseconds(280), $"Retry-After of 300 ms, waited {calls[3].At - calls[2].At}");
        Assert.Equal(102, Interlocked.Read(ref _metrics.RejectedLines));
        Assert.Equal(1, Interlocked.Read(ref _metrics.DuplicateBatches));
        Assert.Equal(2, Interlocked.Read(ref _metrics.BatchesSent));
        Assert.Equal(3, Interlocked.Read(ref _metrics.Retries));
    }

    [Fact]
    public void Backoff_IsFullJitterUnderAGrowingCeiling()
    {
        using var buffer = Open(_dir).AsDisposable();
        using var shipper = new Shipper(buffer.Value, Options() with { BackoffBase = TimeSpan.FromSeconds(1), BackoffCap = TimeSpan.FromSeconds(30) }, _metrics, NullLogger.Instance);
        for (var attempt = 0; attempt < 12; attempt++)
        {
            var ceiling = Math.Min(30, Math.Pow(2, attempt));
            var delays = Enumerable.Range(0, 200).Select(_ => shipper.Backoff(attempt).TotalSeconds).ToList();
            Assert.All(delays, d => Assert.InRange(d, 0, ceiling));
            // Spread over the whole range, not clustered at the ceiling.
            Assert.True(delays.Min() < ceiling * 0.2 && delays.Max() > ceiling * 0.8, $"attempt {attempt}: {delays.Min()}..{delays.Max()} of {ceiling}");
        }
    }

    private static void AssertOnceEach(List<System.Text.Json.JsonElement> rows, int perSource, params string[] sources)
    {
        foreach (var source in sources)
        {
            var messages = rows.Where(r => r.GetProperty("container").GetString() == source).Select(Msg).OrderBy(m => m, StringComparer.Ordinal).ToList();
            var expected = Enumerable.Range(1, perSource).Select(i => $"{source} line {i}").OrderBy(m => m, StringComparer.Ordinal).ToList();
            Assert.Equal(expected, messages);
        }
    }

    internal static async Task WaitAsync(Func<bool> done, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited {seconds} s for {what}");
            await Task.Delay(20);
        }
    }
}
