using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vigie.Pipelines.Configuration;

namespace Vigie.Bench;

internal sealed class VigieBench(Options options, CorpusFacts facts, string ndjsonPath, string workDir, string dll, HttpClient http)
{
    public async Task<SystemResult> RunAsync(CancellationToken ct)
    {
        var result = new SystemResult { Name = "Vigie" };
        if (options.NoPipelines)
        {
            result.Notes.Add("built-in pipelines off (--no-pipelines): lines stored as given");
        }
        else if (options.VigieConfig is not null)
        {
            result.Notes.Add($"config: {Path.GetFileName(options.VigieConfig)} (--vigie-config)");
        }
        // The gzip pass only measures ingestion, on its own data dir; the plain pass does everything.
        string? gzPath = null;
        List<Chunk>? gzChunks = null;
        if (options.Encodings.Contains("gzip"))
        {
            Console.WriteLine("vigie: gzipping request bodies ahead of time...");
            gzPath = Path.Combine(workDir, "corpus.ndjson.gz-bodies");
            gzChunks = Sender.GzipChunks(ndjsonPath, facts.NdjsonChunks, gzPath);
            var gzBytes = gzChunks.Sum(c => (long)c.Length);
            result.Notes.Add($"gzip bodies: {gzBytes / 1e6:0.0} MB ({(double)facts.NdjsonBytes / gzBytes:0.0}x smaller than plain)");
        }
        foreach (var encoding in options.Encodings.OrderBy(e => e == "plain" ? 1 : 0))
        {
            var full = encoding == "plain" || !options.Encodings.Contains("plain");
            var file = encoding == "gzip" ? gzPath! : ndjsonPath;
            var chunks = encoding == "gzip" ? gzChunks! : facts.NdjsonChunks;
            await RunOneAsync(result, encoding, file, chunks, full, ct).ConfigureAwait(false);
        }
        var best = result.IngestEventsPerSecondByEncoding.MaxBy(kv => kv.Value);
        result.IngestFormat = $"NDJSON, {best.Key}";
        result.IngestEventsPerSecond = best.Value;
        result.IngestSeconds = facts.Events / best.Value;
        result.IngestMegabytesPerSecond = facts.NdjsonBytes / result.IngestSeconds / 1e6;
        result.PeakRssIngestBytes = result.PeakRssIngestBytesByEncoding.Values.Max();
        return result;
    }

    private async Task RunOneAsync(SystemResult result, string encoding, string file, List<Chunk> chunks, bool full, CancellationToken ct)
    {
        var dataDir = Path.Combine(workDir, "vigie-data-" + encoding);
        Directory.CreateDirectory(dataDir);
        var port = Probe.FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        Console.WriteLine($"vigie ({encoding}): starting on {baseUrl}");
        // Only the HTTP API: the socket listeners' fixed default ports may be taken on a shared machine.
        List<string> args = [dll, "serve", "--data", dataDir, "--listen", $"127.0.0.1:{port}",
            "--syslog-udp", "off", "--syslog-tcp", "off", "--gelf-udp", "off", "--gelf-tcp", "off", "--fluent", "off", "--otlp-grpc", "off"];
        if (ConfigFile() is { } config)
        {
            args.AddRange(["--config", config]);
        }
        using var server = ChildProcess.Start("dotnet", args, Path.Combine(workDir, $"vigie-{encoding}.log"));
        await WaitHealthyAsync(server, baseUrl, ct).ConfigureAwait(false);
        if (result.Version.Length == 0)
        {
            result.Version = await VersionAsync(ct).ConfigureAwait(false);
        }

        var before = await MetricsAsync(baseUrl, ct).ConfigureAwait(false);
        var cpu0 = Probe.CpuSeconds(server.Pid);
        var clientCpu0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        double seconds;
        long peak;
        var backoff = new Sender.Backoff();
        using (var sampler = new RssSampler(server.Pid))
        {
            seconds = await Sender.SendAllAsync(file, chunks, options.Concurrency, encoding == "gzip" ? "gzip" : null, http,
                body => new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/api/v1/ingest?stream=host,service") { Content = body },
                CheckIngestAsync, backoff, ct).ConfigureAwait(false);
            if (backoff.Retries > 0)
            {
                var note = $"{encoding}: {backoff.Retries} ingest requests refused with 503 (back-pressure) and resent after Retry-After ({backoff.PartialRetries} after a partial accept), {backoff.WaitedSeconds:0} s of waits in total across senders; the rate includes them";
                result.Notes.Add(note);
                Console.WriteLine("vigie: " + note);
            }
            var cpu1 = Probe.CpuSeconds(server.Pid);
            var clientCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - clientCpu0;
            if (full)
            {
                result.CpuSecondsIngest = cpu1 - cpu0;
                result.ClientCpuSecondsIngest = clientCpu;
            }
            var rate = facts.Events / seconds;
            Console.WriteLine($"vigie ({encoding}): ingested {facts.Events:N0} events in {seconds:0.00} s = {rate:N0} events/s, server CPU {cpu1 - cpu0:0.0} s");
            var wallClock = IngestWallClock.Describe(before, await MetricsAsync(baseUrl, ct).ConfigureAwait(false), seconds, cpu1 - cpu0, clientCpu, options.Concurrency);
            Console.WriteLine($"vigie ({encoding}): {wallClock}");
            result.Notes.Add($"{encoding}: {wallClock}");
            result.IngestEventsPerSecondByEncoding[encoding] = Math.Round(rate);
            if (!full)
            {
                peak = Math.Max(sampler.Peak, Probe.Memory(server.Pid).Hwm);
                result.PeakRssIngestBytesByEncoding[encoding] = peak;
                server.Stop(TimeSpan.FromSeconds(60));
                return;
            }

            var catchUp = Stopwatch.StartNew();
            await WaitCountAsync(baseUrl, facts.Events, TimeSpan.FromSeconds(Math.Max(120, facts.Events / 50_000.0)), ct).ConfigureAwait(false);
            result.CatchUpSeconds = catchUp.Elapsed.TotalSeconds;
            peak = Math.Max(sampler.Peak, Probe.Memory(server.Pid).Hwm);
        }
        result.PeakRssIngestBytesByEncoding[encoding] = peak;
        Console.WriteLine($"vigie: all events queryable {result.CatchUpSeconds:0.00} s after the last acknowledgement; peak RSS {peak / 1e6:0} MB");

        var settle = Stopwatch.StartNew();
        var (metrics, lastChange) = await SettleAsync(baseUrl, dataDir, ct).ConfigureAwait(false);
        result.SettleSeconds = settle.Elapsed.TotalSeconds;
        result.CpuSecondsCatchUpAndSettle = Probe.CpuSeconds(server.Pid) - cpu0 - result.CpuSecondsIngest;
        var quiet = Probe.MemoryByKind(server.Pid);
        var quietNote = $"RSS when settled and first trimmed ({DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 - lastChange:0} s after the last change) {quiet.Rss / 1e6:0.0} MB: {quiet}";
        result.Notes.Add(quietNote);
        Console.WriteLine("vigie: " + quietNote);
        var (idle, idleNote) = await RestAsync(baseUrl, dataDir, server.Pid, metrics, lastChange, ct).ConfigureAwait(false);
        result.IdleRssBytes = idle.Rss;
        result.Notes.Add(idleNote);
        Console.WriteLine("vigie: " + idleNote);
        result.DiskBytes = Probe.DirectoryBytes(dataDir);
        result.DiskBytesPerEvent = (double)result.DiskBytes / facts.Events;
        result.Parts = (long)metrics.GetValueOrDefault("vigie_parts");
        result.Notes.Add($"after settling: {result.Parts} parts, {metrics.GetValueOrDefault("vigie_flushes_total")} flushes, {metrics.GetValueOrDefault("vigie_merges_total")} merges " +
            $"(rows written {metrics.GetValueOrDefault("vigie_merged_rows_total") / facts.Events:0.00} and rebuilt {metrics.GetValueOrDefault("vigie_merge_rows_rebuilt_total") / facts.Events:0.00} per event), " +
            $"parts {metrics.GetValueOrDefault("vigie_disk_bytes{kind=\"parts\"}") / 1e6:0.0} MB, wal {metrics.GetValueOrDefault("vigie_disk_bytes{kind=\"wal\"}") / 1e6:0.0} MB, " +
            $"stored events {metrics.GetValueOrDefault("vigie_stored_events"):0}, managed heap {metrics.GetValueOrDefault("dotnet_gc_heap_bytes") / 1e6:0} MB, idle trims {metrics.GetValueOrDefault("vigie_idle_trims_total"):0}, memtable {metrics.GetValueOrDefault("vigie_memtable_bytes") / 1e6:0} MB");
        Console.WriteLine($"vigie: settled after {result.SettleSeconds:0} s: {result.DiskBytes / 1e6:0.0} MB on disk = {result.DiskBytesPerEvent:0.0} B/event, {result.Parts} parts, idle RSS {result.IdleRssBytes / 1e6:0} MB");

        await QueryMixRun.RunAsync(result, server.Pid, spec => RunQueryAsync(baseUrl, spec, server.Pid, ct)).ConfigureAwait(false);
        server.Stop(TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// The config the server runs with: the one given, or with <c>--no-pipelines</c> one that turns every
    /// built-in pipeline off (Vigie then stores the lines as given, as ClickHouse does), or none.
    /// </summary>
    private string? ConfigFile()
    {
        if (!options.NoPipelines)
        {
            return options.VigieConfig;
        }
        var path = Path.Combine(workDir, "vigie-no-pipelines.yaml");
        var lines = PipelineConfigLoader.BuiltInsOnly().Select(p => $"  {p.Name}: {{enabled: false}}");
        File.WriteAllText(path, "pipelines:\n" + string.Join("\n", lines) + "\n");
        return path;
    }

    private async Task<string> VersionAsync(CancellationToken ct)
    {
        try
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add(dll);
            psi.ArgumentList.Add("version");
            using var p = Process.Start(psi)!;
            var text = await p.StandardOutput.ReadToEndAsync(ct).ConfigureAwait(false);
            await p.WaitForExitAsync(ct).ConfigureAwait(false);
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "";
        }
        catch (InvalidOperationException)
        {
            return "";
        }
    }

    private static async Task<Sender.Retry?> CheckIngestAsync(HttpResponseMessage response, Chunk chunk, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
        {
            using var refused = JsonDocument.Parse(body);
            var kept = refused.RootElement.TryGetProperty("accepted", out var a) ? a.GetInt64() : 0;
            var after = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            return new Sender.Retry(after, kept);
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"vigie refused an ingest request: {(int)response.StatusCode} {body}");
        }
        using var doc = JsonDocument.Parse(body);
        var accepted = doc.RootElement.GetProperty("accepted").GetInt64();
        var rejected = doc.RootElement.GetProperty("rejected").GetInt64();
        if (accepted != chunk.Events || rejected != 0)
        {
            // After a partial 503 the resent remainder is shorter than the chunk; the final count checks the total.
            if (rejected != 0 || accepted > chunk.Events)
            {
                throw new InvalidOperationException($"vigie accepted {accepted} and rejected {rejected} of {chunk.Events} events: {body}");
            }
        }
        return null;
    }

    private async Task WaitHealthyAsync(ChildProcess server, string baseUrl, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"vigie exited at start-up:\n{server.Tail()}");
            }
            try
            {
                using var r = await http.GetAsync($"{baseUrl}/healthz", ct).ConfigureAwait(false);
                if (r.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100, ct).ConfigureAwait(false);
        }
        throw new TimeoutException($"vigie did not answer /healthz within 60 s:\n{server.Tail()}");
    }

    private async Task<long> CountAsync(string baseUrl, CancellationToken ct)
    {
        var text = await http.GetStringAsync($"{baseUrl}/api/v1/query?q={Uri.EscapeDataString("* | stats count()")}", ct).ConfigureAwait(false);
        var answer = Answers.FromVigie(text);
        return (long)answer.GetValueOrDefault("");
    }

    private async Task WaitCountAsync(string baseUrl, long expected, TimeSpan timeout, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        long seen = 0;
        while (sw.Elapsed < timeout)
        {
            seen = await CountAsync(baseUrl, ct).ConfigureAwait(false);
            if (seen == expected)
            {
                return;
            }
            if (seen > expected)
            {
                throw new InvalidOperationException($"vigie counts {seen} events, more than the {expected} sent");
            }
            await Task.Delay(200, ct).ConfigureAwait(false);
        }
        throw new TimeoutException($"vigie still counts {seen} of {expected} events {timeout.TotalSeconds:0} s after the last acknowledgement");
    }

    private async Task<Dictionary<string, double>> MetricsAsync(string baseUrl, CancellationToken ct)
    {
        var text = await http.GetStringAsync($"{baseUrl}/metrics", ct).ConfigureAwait(false);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                values[line[..space]] = v;
            }
        }
        return values;
    }

    /// <summary>
    /// Waits until parts, merges and WAL bytes stay unchanged for the settle period, no merge is
    /// writing (no part file under a temporary name) and the server has run its idle memory trim
    /// since the last change, bounded. "Idle" is the state of a server that has been quiet long
    /// enough to trim; without waiting for the trim, the reading depended on how late it came on a
    /// loaded machine. A server without the trim metric (an older build) is read after the settle
    /// period alone.
    /// </summary>
    private async Task<(Dictionary<string, double> Metrics, double LastChangeUnixSeconds)> SettleAsync(string baseUrl, string dataDir, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var stableSince = Stopwatch.StartNew();
        string? last = null;
        var lastChangeUnixSeconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var metrics = await MetricsAsync(baseUrl, ct).ConfigureAwait(false);
        while (sw.Elapsed < TimeSpan.FromSeconds(180))
        {
            metrics = await MetricsAsync(baseUrl, ct).ConfigureAwait(false);
            var writing = MergeOutputBytes(dataDir);
            var key = string.Join(',', new[] { "vigie_parts", "vigie_merges_total", "vigie_merges_running", "vigie_disk_bytes{kind=\"wal\"}", "vigie_disk_bytes{kind=\"parts\"}" }
                .Select(k => metrics.GetValueOrDefault(k).ToString(CultureInfo.InvariantCulture))) + "," + writing.ToString(CultureInfo.InvariantCulture);
            if (key != last || writing > 0)
            {
                last = key;
                lastChangeUnixSeconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
                stableSince.Restart();
            }
            else if (stableSince.Elapsed >= TimeSpan.FromSeconds(options.SettleSeconds) && TrimmedSince(metrics, lastChangeUnixSeconds))
            {
                return (metrics, lastChangeUnixSeconds);
            }
            await Task.Delay(500, ct).ConfigureAwait(false);
        }
        Console.WriteLine("vigie: parts were still changing after 180 s; measuring anyway");
        return (metrics, lastChangeUnixSeconds);
    }

    /// <summary>
    /// How long after the last change the idle RSS is read. A server that has just gone quiet still
    /// holds what the burst's threads keep, and gives it back on the runtime's own clocks: a
    /// thread-pool thread retires after 20 s without work (its zstd contexts and its thread-local
    /// pooled arrays go with it), the shared array pool drops a thread's arrays once unused for 30 s
    /// and the per-core ones after 60 s, and the idle trim collects every 15 s meanwhile. After a
    /// 10M ingest that is 8 MB of anonymous memory, given back 20-60 s after the last change; from
    /// then on the resident set stays flat. 75 s: the pool's 60 s and one trim after it.
    /// </summary>
    internal const double RestSeconds = 75;

    /// <summary>
    /// The idle reading: the server left alone (no request, not even <c>/metrics</c>: each scrape
    /// allocates about 0.1 MB into memory the last collection gave back) until <see cref="RestSeconds"/>
    /// after the last change, then its resident set. A scrape after the reading tells whether the
    /// store changed meanwhile (a merge), which the notes then say.
    /// </summary>
    private async Task<(RssByKind Rss, string Note)> RestAsync(string baseUrl, string dataDir, int pid, Dictionary<string, double> settled, double lastChangeUnixSeconds, CancellationToken ct)
    {
        var wait = lastChangeUnixSeconds + RestSeconds - (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(wait), ct).ConfigureAwait(false);
        }
        var idle = Probe.MemoryByKind(pid);
        var after = await MetricsAsync(baseUrl, ct).ConfigureAwait(false);
        string[] store = ["vigie_parts", "vigie_merges_total", "vigie_flushes_total", "vigie_store_events_total"];
        var changed = store.Where(k => settled.GetValueOrDefault(k) != after.GetValueOrDefault(k)).ToList();
        var note = $"idle RSS {idle.Rss / 1e6:0.0} MB, read {RestSeconds:0} s after the last change, the server left without requests since it settled " +
            $"({after.GetValueOrDefault("vigie_idle_trims_total") - settled.GetValueOrDefault("vigie_idle_trims_total"):0} idle trims meanwhile, managed heap {after.GetValueOrDefault("dotnet_gc_heap_bytes") / 1e6:0.0} MB" +
            (changed.Count == 0 && MergeOutputBytes(dataDir) == 0 ? ", the store unchanged" : $", the store CHANGED meanwhile: {string.Join(", ", changed)}") + $"): {idle}";
        return (idle, note);
    }

    private static bool TrimmedSince(Dictionary<string, double> metrics, double unixSeconds) =>
        !metrics.TryGetValue("vigie_idle_trim_last_timestamp_seconds", out var lastTrim) || lastTrim >= unixSeconds;

    /// <summary>Bytes of part files still being written (a flush or merge in progress).</summary>
    private static long MergeOutputBytes(string dataDir)
    {
        var parts = Path.Combine(dataDir, "parts");
        return Directory.Exists(parts)
            ? Directory.EnumerateFiles(parts, "*.tmp", SearchOption.AllDirectories).Sum(Length)
            : 0;

        static long Length(string file)
        {
            try
            {
                return new FileInfo(file).Length;
            }
            catch (FileNotFoundException)
            {
                return 0; // the writer finished (renamed it) meanwhile
            }
        }
    }

    private async Task<QueryResult> RunQueryAsync(string baseUrl, QuerySpec spec, int pid, CancellationToken ct)
    {
        var q = new QueryResult { Name = spec.Name, Query = spec.Vigie };
        var url = $"{baseUrl}/api/v1/query?q={Uri.EscapeDataString(spec.Vigie)}";
        string text = "";
        var cpu0 = Probe.CpuSeconds(pid);
        for (var i = 0; i < options.Runs; i++)
        {
            var sw = Stopwatch.StartNew();
            using var r = await http.GetAsync(url, ct).ConfigureAwait(false);
            text = await r.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            q.RunsMs.Add(Math.Round(sw.Elapsed.TotalMilliseconds, 2));
            if (!r.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"vigie refused query {spec.Vigie}: {(int)r.StatusCode} {text}");
            }
        }
        q.ServerCpuMsPerRun = Math.Round((Probe.CpuSeconds(pid) - cpu0) * 1000 / options.Runs, 1);
        q.MedianMs = Stats.Median(q.RunsMs);
        var answer = Answers.FromVigie(text);
        q.Answer = Answers.Summary(answer);
        q.MismatchWithGenerator = Answers.Compare(spec.Expected(facts), answer, spec.Approximate);
        Console.WriteLine($"vigie: {spec.Name,-28} median {q.MedianMs,9:0.0} ms  server CPU {q.ServerCpuMsPerRun,8:0} ms/run  answer {q.Answer}{(q.MismatchWithGenerator is null ? "" : "  WRONG: " + q.MismatchWithGenerator)}");
        Answers.Last[("Vigie", spec.Name)] = answer;
        return q;
    }
}

internal static class Stats
{
    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }
}
