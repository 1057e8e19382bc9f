using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Vigie.Pipelines.Tests;

/// <summary>A real server ingesting over HTTP while its config file is rewritten (valid and invalid versions).</summary>
public sealed class ReloadUnderLoadTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-pipelines-reload-").FullName;
    private InProcessServer? _server;

    private string ConfigPath => Path.Combine(_dir, "vigie.yaml");

    private static string Config(string version) => $"""
        pipelines:
          tag:
            if: 'service:load'
            processors:
              - set: {"{"}field: version, value: {version}{"}"}
        """;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(ConfigPath, Config("v0"));
        _server = await InProcessServer.StartAsync(Path.Combine(_dir, "data"), ConfigPath);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task No_event_is_lost_or_duplicated_while_the_config_changes()
    {
        const int PerBatch = 50;
        // Versions 1 to 9 are written one after the other, each once the previous one was taken or
        // refused; every third is invalid and must be refused with the running one kept.
        var rewriter = Task.Run(async () =>
        {
            for (var n = 1; n <= 9; n++)
            {
                var before = await ReloadsAsync();
                await File.WriteAllTextAsync(ConfigPath, n % 3 == 0 ? "pipelines:\n  tag:\n    processors:\n      - nope: {}\n" : Config("v" + n));
                var deadline = DateTime.UtcNow.AddSeconds(10);
                while (await ReloadsAsync() == before && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(20);
                }
            }
        });
        var batches = 0;
        while (!rewriter.IsCompleted || batches < 20)
        {
            var sb = new StringBuilder();
            for (var i = 0; i < PerBatch; i++)
            {
                sb.Append("{\"_msg\":\"hello\",\"service\":\"load\",\"seq\":").Append(batches * PerBatch + i).Append("}\n");
            }
            batches++;
            using var response = await _server!.Client.PostAsync("/api/v1/ingest?stream=service", new StringContent(sb.ToString(), Encoding.UTF8, "application/x-ndjson"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await rewriter;

        var seen = new HashSet<long>();
        var tagged = new HashSet<string>();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        List<JsonElement> rows;
        do
        {
            var text = await _server!.Client.GetStringAsync("/api/v1/query?q=" + Uri.EscapeDataString("service:load"));
            rows = [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
            if (rows.Count >= batches * PerBatch)
            {
                break;
            }
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        foreach (var row in rows)
        {
            Assert.True(seen.Add(long.Parse(row.GetProperty("seq").GetRawText().Trim('"'), System.Globalization.CultureInfo.InvariantCulture)), "duplicated event");
            tagged.Add(row.GetProperty("version").GetString()!);
        }
        Assert.Equal(batches * PerBatch, seen.Count);
        Assert.True(tagged.Count > 1, "the reloads never took effect: " + string.Join(",", tagged));
        var metrics = await _server!.Client.GetStringAsync("/metrics");
        // A file watcher may coalesce or repeat change events: count that reloads happened, not how many.
        Assert.Matches(@"\nvigie_pipeline_reloads_total [1-9][0-9]*\n", metrics);
        Assert.Matches(@"\nvigie_pipeline_reload_failures_total [1-9][0-9]*\n", metrics);
        Assert.Contains("vigie_pipeline_events_total{pipeline=\"tag\",processor=\"set\",result=\"in\"}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_emptied_for_a_moment_is_not_taken_for_the_new_config()
    {
        var before = await ReloadsAsync();
        var sinceEmptied = Stopwatch.StartNew();
        // The moment between a rewrite's truncation and its first write, stretched as a busy machine can.
        await File.WriteAllTextAsync(ConfigPath, "");
        await Task.Delay(1000);
        var whileEmpty = await ReloadsAsync();
        // An empty file is taken once it stays empty for 2 s: only a reading made before that proves
        // it was not taken (a loaded machine can stretch the 1 s wait past the grace).
        if (sinceEmptied.Elapsed < TimeSpan.FromSeconds(2))
        {
            Assert.Equal(before, whileEmpty);
        }
        await File.WriteAllTextAsync(ConfigPath, Config("v1"));
        // Each probe is a new event: the first one stored after v1 took effect carries its tag.
        string? version = null;
        for (var (probe, deadline) = (0, DateTime.UtcNow.AddSeconds(15)); version != "v1" && DateTime.UtcNow < deadline; probe++)
        {
            using var response = await _server!.Client.PostAsync("/api/v1/ingest?stream=service",
                new StringContent($"{{\"_msg\":\"hello\",\"service\":\"load\",\"probe\":{probe}}}\n", Encoding.UTF8, "application/x-ndjson"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var rows = "";
            for (var searchable = DateTime.UtcNow.AddSeconds(5); rows.Length == 0 && DateTime.UtcNow < searchable; await Task.Delay(50))
            {
                rows = await _server.Client.GetStringAsync("/api/v1/query?q=" + Uri.EscapeDataString($"service:load AND probe:{probe}"));
            }
            version = rows.Length == 0 ? null : JsonDocument.Parse(rows.Split('\n')[0]).RootElement.TryGetProperty("version", out var v) ? v.GetString() : null;
        }
        Assert.Equal("v1", version);
    }

    /// <summary>Reloads taken plus refused, from /metrics.</summary>
    private async Task<long> ReloadsAsync()
    {
        var metrics = await _server!.Client.GetStringAsync("/metrics");
        return metrics.Split('\n')
            .Where(l => l.StartsWith("vigie_pipeline_reload", StringComparison.Ordinal))
            .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_playground_api_traces_a_candidate_pipeline_and_reports_yaml_errors()
    {
        var body = JsonSerializer.Serialize(new
        {
            pipeline = "processors:\n  - grok: {pattern: '^%{WORD:verb} %{INT:n:int}$'}\n  - lowercase: {fields: [verb]}\n",
            lines = new[] { "GET 12", "bad" },
        });
        using var ok = await _server!.Client.PostAsync("/api/v1/pipelines/test", new StringContent(body, Encoding.UTF8, "application/json"));
        var json = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(1, json.GetProperty("failed").GetInt32());
        var first = json.GetProperty("results")[0];
        Assert.Equal("get", first.GetProperty("after").GetProperty("verb").GetString());
        Assert.Equal(12, first.GetProperty("after").GetProperty("n").GetInt32());
        Assert.Equal("GET", first.GetProperty("steps")[0].GetProperty("event").GetProperty("verb").GetString());
        Assert.StartsWith("candidate/grok:", json.GetProperty("results")[1].GetProperty("error").GetString());

        var bad = JsonSerializer.Serialize(new { pipeline = "processors:\n  - grok: {pattern: '%{NOPE}'}\n", lines = new[] { "x" } });
        using var refused = await _server.Client.PostAsync("/api/v1/pipelines/test", new StringContent(bad, Encoding.UTF8, "application/json"));
        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(2, error.GetProperty("line").GetInt32());
        Assert.Contains("unknown grok pattern 'NOPE'", error.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Replay_runs_stored_events_through_a_candidate_without_writing()
    {
        var ndjson = "{\"_msg\":\"user=bob took=12\",\"service\":\"replay\"}\n{\"_msg\":\"user=eve took=7\",\"service\":\"replay\"}\n";
        using (var r = await _server!.Client.PostAsync("/api/v1/ingest", new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson")))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var body = JsonSerializer.Serialize(new { pipeline = "processors:\n  - kv: {}\n", query = "service:replay", start = "-1h" });
        JsonElement json = default;
        for (var attempt = 0; attempt < 40; attempt++)
        {
            using var response = await _server.Client.PostAsync("/api/v1/pipelines/replay", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            if (json.GetProperty("events").GetInt32() == 2)
            {
                break;
            }
            await Task.Delay(100);
        }
        Assert.Equal(2, json.GetProperty("events").GetInt32());
        var users = json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("after").GetProperty("user").GetString()).Order().ToList();
        Assert.Equal(["bob", "eve"], users);
        Assert.False(json.GetProperty("results")[0].GetProperty("before").TryGetProperty("user", out _));
        var stored = await _server.Client.GetStringAsync("/api/v1/query?q=" + Uri.EscapeDataString("service:replay user:*"));
        Assert.Equal("", stored.Trim());
    }
}
