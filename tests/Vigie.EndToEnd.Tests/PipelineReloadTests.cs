using System.Collections.Concurrent;
using System.Net;

namespace Vigie.EndToEnd.Tests;

/// <summary>
/// Pipelines in a real <c>vigie serve</c>: SIGHUP reloads the config (a valid one takes effect, an invalid
/// one is refused and reported, the running one stays), no event is lost or stored twice across reloads
/// under load, and a multiline event held when the server stops is stored, never acknowledged then lost.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class PipelineReloadTests(CliBuild cli) : IDisposable
{
    private const int Sighup = 1;

    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-e2e-reload-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Tagging(string version) => $$"""
        pipelines:
          tag:
            if: 'service:reload'
            processors:
              - set: {field: version, value: {{version}}}
        """;

    /// <summary>
    /// The config the server is given is a symbolic link to a file in another directory: writing that file
    /// is not seen by the server's file watcher (it watches the link's directory), so only SIGHUP can
    /// make the server read it again.
    /// </summary>
    private string LinkedConfig(string yaml, out string target)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "real"));
        Directory.CreateDirectory(Path.Combine(_dir, "conf"));
        target = Path.Combine(_dir, "real", "vigie.yaml");
        File.WriteAllText(target, yaml);
        var link = Path.Combine(_dir, "conf", "vigie.yaml");
        File.CreateSymbolicLink(link, target);
        return link;
    }

    private static async Task<string?> VersionOfAsync(VigieProcess server, string id)
    {
        var rows = await server.QueryUntilAsync($"id:{id}", r => r.Count > 0);
        Assert.True(rows.Count == 1, $"event {id}: {rows.Count} stored\n{server.Log}");
        return rows[0].TryGetProperty("version", out var v) ? v.GetString() : null;
    }

    private static async Task WaitForMetricAsync(VigieProcess server, string name, double value)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await server.MetricAsync(name) != value)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{name} did not reach {value}\n{server.Log}");
            await Task.Delay(50);
        }
    }

    private static async Task WaitForLogAsync(VigieProcess server, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!server.Log.Contains(text, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Sighup_applies_a_valid_config_and_refuses_an_invalid_one()
    {
        var config = LinkedConfig(Tagging("v1"), out var target);
        using var server = await VigieProcess.StartAsync(cli, Path.Combine(_dir, "data"), "--config", config);
        await server.IngestOkAsync(Events.Ndjson([new { _msg = "a", service = "reload", id = "a" }]));
        Assert.Equal("v1", await VersionOfAsync(server, "a"));

        // Written but not signalled: the running pipelines stay (this is what makes the next step a test of SIGHUP).
        await File.WriteAllTextAsync(target, Tagging("v2"));
        await Task.Delay(500);
        await server.IngestOkAsync(Events.Ndjson([new { _msg = "b", service = "reload", id = "b" }]));
        Assert.Equal("v1", await VersionOfAsync(server, "b"));
        Assert.Equal(0, await server.MetricAsync("vigie_pipeline_reloads_total"));

        server.Signal(Sighup);
        await WaitForMetricAsync(server, "vigie_pipeline_reloads_total", 1);
        await server.IngestOkAsync(Events.Ndjson([new { _msg = "c", service = "reload", id = "c" }]));
        Assert.Equal("v2", await VersionOfAsync(server, "c"));

        // An invalid config: refused with the file, line and reason; the v2 pipelines go on.
        await File.WriteAllTextAsync(target, "pipelines:\n  tag:\n    if: 'service:reload'\n    processors:\n      - no_such_processor: {}\n");
        server.Signal(Sighup);
        await WaitForMetricAsync(server, "vigie_pipeline_reload_failures_total", 1);
        // The counter moves before the log line has come through the child's output.
        await WaitForLogAsync(server, "refused");
        Assert.Contains("refused", server.Log, StringComparison.Ordinal);
        Assert.Contains("unknown processor 'no_such_processor'", server.Log, StringComparison.Ordinal);
        Assert.Contains("vigie.yaml:5", server.Log, StringComparison.Ordinal);
        await server.IngestOkAsync(Events.Ndjson([new { _msg = "d", service = "reload", id = "d" }]));
        Assert.Equal("v2", await VersionOfAsync(server, "d"));
        Assert.Equal(1, await server.MetricAsync("vigie_pipeline_reloads_total"));
        Assert.False(server.HasExited);
    }

    [Fact]
    public async Task Sighup_under_load_loses_and_duplicates_no_event()
    {
        var config = LinkedConfig(Tagging("v0"), out var target);
        using var server = await VigieProcess.StartAsync(cli, Path.Combine(_dir, "data"), "--config", config);
        var acknowledged = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var senders = Enumerable.Range(0, 3).Select(c => Task.Run(async () =>
        {
            for (var request = 0; !stop.IsCancellationRequested; request++)
            {
                var ids = Enumerable.Range(0, 20).Select(i => $"c{c}q{request}e{i}").ToList();
                var (status, body) = await server.IngestAsync(Events.Ndjson(ids.Select(id => (object)new { _msg = "load", service = "reload", id })));
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Equal(ids.Count, body.GetProperty("accepted").GetInt32());
                foreach (var id in ids)
                {
                    acknowledged.Add(id);
                }
            }
        })).ToList();

        // Valid and invalid configs in turn, each signalled while the senders go on.
        for (var round = 1; round <= 6; round++)
        {
            await Task.Delay(150);
            await File.WriteAllTextAsync(target, round % 3 == 0 ? "pipelines: [not, a, mapping]\n" : Tagging($"v{round}"));
            server.Signal(Sighup);
            await WaitForMetricAsync(server, round % 3 == 0 ? "vigie_pipeline_reload_failures_total" : "vigie_pipeline_reloads_total", round % 3 == 0 ? round / 3 : round - round / 3);
        }
        await Task.Delay(150);
        await stop.CancelAsync();
        await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(30));

        var expected = acknowledged.ToHashSet();
        Assert.True(expected.Count >= 200, $"only {expected.Count} events were sent during the reloads");
        var rows = await server.QueryUntilAsync("service:reload | fields id, version", r => r.Count >= expected.Count, TimeSpan.FromSeconds(10));
        var stored = rows.Select(r => r.GetProperty("id").GetString()!).ToList();
        Assert.Equal(expected.Count, stored.Count);
        Assert.Equal(expected.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        // Every event went through one whole set of pipelines: each has the version of one valid config.
        var versions = rows.Select(r => r.GetProperty("version").GetString()).ToHashSet();
        Assert.Subset(new HashSet<string?>(["v0", "v1", "v2", "v4", "v5"]), versions);
        Assert.True(versions.Count >= 3, $"versions seen: {string.Join(", ", versions)}");
    }

    private static string Multiline(int timeoutSeconds) => $$"""
        pipelines:
          java:
            if: 'service:app'
            processors:
              - multiline: {continuation: '^\s', timeout: {{timeoutSeconds}}}
        """;

    [Fact]
    public async Task An_event_held_when_the_server_stops_is_stored_before_it_exits_and_its_request_answered()
    {
        var config = Path.Combine(_dir, "vigie.yaml");
        // A timeout far longer than the test: only the shutdown can store the held event in time.
        await File.WriteAllTextAsync(config, Multiline(60));
        var data = Path.Combine(_dir, "data");
        var port = VigieProcess.FreePort();
        using (var server = await VigieProcess.StartOnPortAsync(cli, data, port, "--config", config))
        {
            // The last line may be continued by the next request: it is held, and so is the answer.
            var pending = server.IngestAsync(Events.Ndjson([new { _msg = "ERROR boom", service = "app" }, new { _msg = "  at A.b()", service = "app" }]));
            await Task.Delay(500);
            Assert.False(pending.IsCompleted, "the request was answered while its last line was held");
            var stopping = server.StopAsync();
            var (status, body) = await pending.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(2, body.GetProperty("accepted").GetInt32());
            Assert.Equal(0, await stopping.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        using (var server = await VigieProcess.StartOnPortAsync(cli, data, port, "--config", config))
        {
            var rows = await server.QueryUntilAsync("service:app", r => r.Count > 0);
            var row = Assert.Single(rows);
            Assert.Equal("ERROR boom\n  at A.b()", row.GetProperty("_msg").GetString());
        }
    }

    [Fact]
    public async Task An_event_held_when_the_server_is_killed_was_never_acknowledged_and_its_retry_stores_it_once()
    {
        // Short enough that the requests before the kill are answered (their last line flushed by the timeout).
        await File.WriteAllTextAsync(config(), Multiline(3));
        var data = Path.Combine(_dir, "data");
        var port = VigieProcess.FreePort();
        var request = Events.Ndjson([new { _msg = "INFO done", service = "app" }, new { _msg = "ERROR boom", service = "app" }]);
        using (var server = await VigieProcess.StartOnPortAsync(cli, data, port, "--config", config()))
        {
            await server.IngestOkAsync(Events.Ndjson([new { _msg = "INFO before", service = "app" }, new { _msg = "INFO flushed by the timeout", service = "app" }]));
            var pending = SendOnceAsync(server, request, "request-1");
            await Task.Delay(300);
            Assert.False(pending.IsCompleted, "the request was answered while its last line was held");
            server.KillHard();
            // The sender learns that its request failed: it was not acknowledged, so it is the sender's to send again.
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => pending.WaitAsync(TimeSpan.FromSeconds(15)));
        }
        using (var server = await VigieProcess.StartOnPortAsync(cli, data, port, "--config", config()))
        {
            // The retry, with the same key, is stored (not answered duplicate with its held line lost), once.
            var status = await SendOnceAsync(server, request, "request-1").WaitAsync(TimeSpan.FromSeconds(40));
            Assert.Equal(HttpStatusCode.OK, status);
            var rows = await server.QueryUntilAsync("service:app", r => r.Count >= 4);
            var messages = rows.Select(r => r.GetProperty("_msg").GetString()).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(["ERROR boom", "INFO before", "INFO done", "INFO flushed by the timeout"], messages);
        }

        string config() => Path.Combine(_dir, "vigie.yaml");
    }

    private static async Task<HttpStatusCode> SendOnceAsync(VigieProcess server, string ndjson, string key)
    {
        using var content = new StringContent(ndjson, System.Text.Encoding.UTF8, "application/x-ndjson");
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest") { Content = content };
        message.Headers.Add("Idempotency-Key", key);
        using var response = await server.Client.SendAsync(message);
        return response.StatusCode;
    }
}
