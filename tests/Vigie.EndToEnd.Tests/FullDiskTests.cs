using System.Diagnostics;
using System.Net;

namespace Vigie.EndToEnd.Tests;

/// <summary>
/// The data directory on a small tmpfs. Mounting needs root, as in CI.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class FullDiskTests(CliBuild cli, ITestOutputHelper output) : IAsyncLifetime
{
    private TmpfsMount? _tmpfs;

    private string Mount => _tmpfs!.Path;

    public async Task InitializeAsync() => _tmpfs = await TmpfsMount.CreateAsync("vigie-e2e-full-", "8m");

    public async Task DisposeAsync()
    {
        if (_tmpfs is not null)
        {
            await _tmpfs.DisposeAsync();
        }
    }

    /// <summary>Sends 40 KB requests until one is refused with 503; returns the acknowledged ids and the refusal.</summary>
    private static async Task<(List<string> Acknowledged, HttpStatusCode Status, string Body, string? RetryAfter)> FillAsync(VigieProcess server, string prefix)
    {
        var acknowledged = new List<string>();
        var padding = new string('x', 150);
        for (var request = 0; request < 2000; request++)
        {
            var ids = Enumerable.Range(0, 200).Select(i => $"{prefix}{request}-{i}").ToList();
            using var content = new StringContent(Events.Ndjson(ids.Select(id => (object)new { _msg = "filling the disk " + padding, id })));
            using var response = await server.Client.PostAsync("/api/v1/ingest", content);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (acknowledged, response.StatusCode, body, response.Headers.RetryAfter?.ToString());
            }
            acknowledged.AddRange(ids);
        }
        throw new InvalidOperationException("the disk never filled");
    }

    [Fact]
    public async Task Ingest_UntilDiskFull_Refuses503KeepsAcknowledgedEventsAndResumesWhenSpaceIsFreed()
    {
        var filler = Path.Combine(Mount, "filler");
        await File.WriteAllBytesAsync(filler, new byte[3 * 1024 * 1024]);
        var data = Path.Combine(Mount, "data");
        using var server = await VigieProcess.StartAsync(cli, data);

        var (acknowledged, status, body, retryAfter) = await FillAsync(server, "full");
        output.WriteLine($"{acknowledged.Count} events acknowledged before: {(int)status} {body}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("no space left", body, StringComparison.Ordinal);
        Assert.NotNull(retryAfter);
        Assert.NotEmpty(acknowledged);
        Assert.False(server.HasExited);
        Assert.True(await server.MetricAsync("vigie_ingest_refused_total") >= 1);
        var whileFull = await Events.AllValuesAsync(server, "id");
        Assert.Equal(whileFull.Count, whileFull.Distinct().Count());
        output.WriteLine($"while full, {whileFull.Count} of {acknowledged.Count} acknowledged events are searchable");

        File.Delete(filler);
        var clock = Stopwatch.StartNew();
        HttpStatusCode again;
        do
        {
            await Task.Delay(100);
            (again, _) = await server.IngestAsync(Events.Ndjson([new { _msg = "after the space came back", id = "resumed" }]));
        }
        while (again != HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, again);

        var expected = acknowledged.Append("resumed").Order().ToList();
        var stored = await server.QueryUntilAsync("id:* | fields id", rows => rows.Count >= expected.Count, TimeSpan.FromSeconds(5));
        Assert.Equal(expected, stored.Select(r => r.GetProperty("id").GetString()).Order());
        Assert.Equal(0, await server.StopAsync());

        using var restarted = await VigieProcess.StartAsync(cli, data);
        Assert.Equal(expected, (await Events.AllValuesAsync(restarted, "id")).Order());
        Assert.Equal(0, await restarted.MetricAsync("vigie_parts_quarantined_total"));
        Assert.Empty(Events.Quarantined(data));
        Assert.Equal(0, await restarted.StopAsync());
    }

    [Fact]
    public async Task Healthz_DiskFull_Returns503()
    {
        await File.WriteAllBytesAsync(Path.Combine(Mount, "filler"), new byte[3 * 1024 * 1024]);
        using var server = await VigieProcess.StartAsync(cli, Path.Combine(Mount, "data"));
        var (_, status, _, _) = await FillAsync(server, "h");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);

        using var health = await server.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }
}
