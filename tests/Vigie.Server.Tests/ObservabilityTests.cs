using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vigie.Server.Tests;

/// <summary><c>/api/v1/fields</c>, <c>/healthz</c> and <c>/metrics</c>.</summary>
public sealed partial class ObservabilityTests : IAsyncLifetime
{
    private LiveServer _server = null!;

    public async Task InitializeAsync() => _server = await LiveServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\]|\\.)*""(,[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\]|\\.)*"")*\})? -?([0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|\+Inf|-Inf|NaN)$")]
    private static partial Regex SampleLine();

    [Fact]
    public async Task Fields_AfterIngest_CountsEventsPerFieldAndTopValues()
    {
        await _server.IngestOkAsync(LiveServer.Ndjson(
            new { _msg = "a", level = "error", user = "u1" },
            new { _msg = "b", level = "error" },
            new { _msg = "c", level = "info", user = "u2" }));
        await _server.QueryUntilAsync("*", r => r.Count == 3);

        var body = JsonDocument.Parse(await _server.Client.GetStringAsync("/api/v1/fields?q=*")).RootElement;

        Assert.Equal(3, body.GetProperty("events").GetInt64());
        var fields = body.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);
        Assert.Equal(3, fields["level"].GetProperty("count").GetInt64());
        Assert.Equal(2, fields["level"].GetProperty("distinct").GetInt64());
        Assert.Equal(2, fields["user"].GetProperty("count").GetInt64());
        var top = fields["level"].GetProperty("top").EnumerateArray().First();
        Assert.Equal("error", top.GetProperty("value").GetString());
        Assert.Equal(2, top.GetProperty("count").GetInt64());

        var filtered = JsonDocument.Parse(await _server.Client.GetStringAsync("/api/v1/fields?q=" + Uri.EscapeDataString("level:info"))).RootElement;
        Assert.Equal(1, filtered.GetProperty("events").GetInt64());
    }

    [Fact]
    public async Task Fields_Sample_CountsOnlyTheNewestMatches()
    {
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10);
        await _server.IngestOkAsync(LiveServer.Ndjson(
            new { _time = t0.ToString("O"), _msg = "old", kind = "sampled-test", color = "red" },
            new { _time = t0.AddMinutes(1).ToString("O"), _msg = "mid", kind = "sampled-test", color = "blue" },
            new { _time = t0.AddMinutes(2).ToString("O"), _msg = "new", kind = "sampled-test", color = "blue" }));
        await _server.QueryUntilAsync("kind:sampled-test", r => r.Count == 3);

        var body = JsonDocument.Parse(await _server.Client.GetStringAsync("/api/v1/fields?start=-1h&sample=2&q=" + Uri.EscapeDataString("kind:sampled-test"))).RootElement;

        Assert.Equal(2, body.GetProperty("events").GetInt64());
        Assert.True(body.GetProperty("sampled").GetBoolean());
        var color = body.GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "color");
        Assert.Equal(2, color.GetProperty("count").GetInt64());
        Assert.Equal(["blue"], color.GetProperty("top").EnumerateArray().Select(v => v.GetProperty("value").GetString()));

        using var bad = await _server.Client.GetAsync("/api/v1/fields?sample=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("sample=0", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_RunningServer_Returns200Ok()
    {
        using var response = await _server.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Metrics_AfterIngest_CountsEventsAndIsValidPrometheusText()
    {
        await _server.IngestOkAsync(LiveServer.Ndjson(new { _msg = "a" }, new { _msg = "b" }, new { _msg = "c" }));
        await _server.IngestAsync("{\"_msg\":\"d\"}\nnot json\n");
        // The heap's committed bytes are as of the last collection: make sure there was one (the
        // server runs in this process).
        GC.Collect();

        using var response = await _server.Client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("vigie_ingest_events_total{result=\"accepted\"} 4\n", text, StringComparison.Ordinal);
        Assert.Contains("vigie_ingest_events_total{result=\"rejected\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("vigie_wal_fsync_duration_seconds_bucket{le=\"+Inf\"}", text, StringComparison.Ordinal);
        Assert.True(LiveServer.Sample(text, "process_resident_memory_bytes") > 0);
        Assert.Equal(4, LiveServer.Sample(text, "vigie_store_events_total"));
        Assert.Equal(0, LiveServer.Sample(text, "vigie_merge_rows_rebuilt_total"));
        // No merge runs with a single flushed part, so nothing is counted as running.
        Assert.Equal(0, LiveServer.Sample(text, "vigie_merges_running"));
        Assert.Equal(0, LiveServer.Sample(text, "vigie_merge_source_bytes_running"));
        Assert.True(LiveServer.Sample(text, "dotnet_gc_committed_bytes") > 0);
        // Requests wait at their end for their last batches to become durable (one fsync at least).
        Assert.True(LiveServer.Sample(text, "vigie_ingest_durable_wait_seconds_total{phase=\"end\"}") > 0);
        Assert.Equal(0, LiveServer.Sample(text, "vigie_backpressure_waits_total"));
        // The idle trim's time is 0 until it first runs (a few seconds after start-up), then a Unix time up to now.
        var trims = LiveServer.Sample(text, "vigie_idle_trims_total");
        var lastTrim = LiveServer.Sample(text, "vigie_idle_trim_last_timestamp_seconds");
        Assert.True(trims == 0 ? lastTrim == 0 : lastTrim > 1.7e9 && lastTrim <= DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1, $"{trims} trims, the last at {lastTrim}");
        Assert.Contains("vigie_listener_events_total{listener=\"api\",result=\"accepted\"} 4\n", text, StringComparison.Ordinal);
        Assert.Contains("vigie_listener_events_total{listener=\"api\",result=\"rejected\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("vigie_listener_connections_total{listener=\"api\"} 2\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var typed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Equal(4, parts.Length);
                Assert.Contains(parts[3], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.True(typed.Add(parts[2]), $"metric {parts[2]} is declared twice");
                continue;
            }
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                continue;
            }
            Assert.Matches(SampleLine(), line);
            var name = line[..line.IndexOfAny(['{', ' '])];
            Assert.True(typed.Contains(name) || typed.Contains(Regex.Replace(name, "_(bucket|sum|count)$", "")), $"sample {name} has no # TYPE line before it");
        }
    }

    [Fact]
    public async Task Metrics_HistogramBuckets_AreCumulativeAndEndWithCount()
    {
        await _server.IngestOkAsync(LiveServer.Ndjson(new { _msg = "a" }));
        await _server.IngestOkAsync(LiveServer.Ndjson(new { _msg = "b" }));

        var text = await _server.MetricsAsync();

        var buckets = text.Split('\n').Where(l => l.StartsWith("vigie_wal_fsync_duration_seconds_bucket{", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(buckets);
        Assert.Equal(buckets.Order(), buckets);
        Assert.Equal(LiveServer.Sample(text, "vigie_wal_fsync_duration_seconds_count"), buckets[^1]);
        Assert.Equal(LiveServer.Sample(text, "vigie_wal_fsyncs_total"), buckets[^1]);
        Assert.True(buckets[^1] >= 2);
    }
}
