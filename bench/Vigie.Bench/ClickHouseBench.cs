using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Vigie.Bench;

internal sealed class ClickHouseBench(Options options, CorpusFacts facts, string tsvPath, string workDir, string binary, HttpClient http)
{
    /// <summary>
    /// 18.16 has no DateTime64 (time is seconds plus a nanos column), no skip indexes, and
    /// LowCardinality only behind an experimental flag, so plain Strings ordered by
    /// (service, host, time) are the sensible stable layout there.
    /// </summary>
    public const string CreateTable = """
        CREATE TABLE logs (
            time DateTime, nanos UInt32, service String, host String, level String, msg String,
            method String, path String, status UInt16, bytes UInt64, duration Float64,
            client_ip String, user_agent String, request_id String, trace_id String, user_id String
        ) ENGINE = MergeTree() PARTITION BY toDate(time) ORDER BY (service, host, time)
        """;

    public static string? Find(string? given)
    {
        if (given is not null)
        {
            return File.Exists(given) ? given : null;
        }
        string[] candidates = ["/usr/bin/clickhouse-server", "/usr/sbin/clickhouse-server", "/usr/bin/clickhouse"];
        return candidates.FirstOrDefault(File.Exists);
    }

    public async Task<SystemResult> RunAsync(CancellationToken ct)
    {
        var result = new SystemResult { Name = "ClickHouse", IngestFormat = "TabSeparated, plain" };
        var root = Path.Combine(workDir, "clickhouse");
        var port = Probe.FreePort();
        var tcpPort = Probe.FreePort();
        WriteConfig(root, port, tcpPort);
        var baseUrl = $"http://127.0.0.1:{port}/";
        string[] args = Path.GetFileName(binary) == "clickhouse"
            ? ["server", $"--config-file={Path.Combine(root, "config.xml")}"]
            : [$"--config-file={Path.Combine(root, "config.xml")}"];
        Console.WriteLine($"clickhouse: starting {binary} on {baseUrl}");
        using var server = ChildProcess.Start(binary, args, Path.Combine(root, "stdout.log"), root);
        await WaitReadyAsync(server, baseUrl, ct).ConfigureAwait(false);
        result.Version = (await QueryAsync(baseUrl, "SELECT version()", ct).ConfigureAwait(false)).Trim();
        await QueryAsync(baseUrl, CreateTable, ct).ConfigureAwait(false);

        var cpu0 = Probe.CpuSeconds(server.Pid);
        var clientCpu0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        using (var sampler = new RssSampler(server.Pid))
        {
            var insert = baseUrl + "?query=" + Uri.EscapeDataString("INSERT INTO logs FORMAT TabSeparated");
            result.IngestSeconds = await Sender.SendAllAsync(tsvPath, facts.TsvChunks, options.Concurrency, null, http,
                body => new HttpRequestMessage(HttpMethod.Post, insert) { Content = body },
                CheckInsertAsync, new Sender.Backoff(), ct).ConfigureAwait(false);
            result.CpuSecondsIngest = Probe.CpuSeconds(server.Pid) - cpu0;
            result.ClientCpuSecondsIngest = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - clientCpu0;
            result.PeakRssIngestBytes = Math.Max(sampler.Peak, Probe.Memory(server.Pid).Hwm);
        }
        result.IngestEventsPerSecond = Math.Round(facts.Events / result.IngestSeconds);
        result.IngestMegabytesPerSecond = facts.TsvBytes / result.IngestSeconds / 1e6;
        result.IngestEventsPerSecondByEncoding["plain"] = result.IngestEventsPerSecond;
        result.PeakRssIngestBytesByEncoding["plain"] = result.PeakRssIngestBytes;
        Console.WriteLine($"clickhouse: inserted {facts.Events:N0} events in {result.IngestSeconds:0.00} s = {result.IngestEventsPerSecond:N0} events/s, server CPU {result.CpuSecondsIngest:0.0} s, peak RSS {result.PeakRssIngestBytes / 1e6:0} MB");

        var count = long.Parse((await QueryAsync(baseUrl, "SELECT count() FROM logs", ct).ConfigureAwait(false)).Trim(), CultureInfo.InvariantCulture);
        if (count != facts.Events)
        {
            throw new InvalidOperationException($"clickhouse counts {count} rows, expected {facts.Events}");
        }

        var settle = Stopwatch.StartNew();
        await SettleAsync(baseUrl, ct).ConfigureAwait(false);
        result.SettleSeconds = settle.Elapsed.TotalSeconds;
        result.CpuSecondsCatchUpAndSettle = Probe.CpuSeconds(server.Pid) - cpu0 - result.CpuSecondsIngest;
        // Read at rest as Vigie is: left without requests until as long after its last change, so
        // that both idle figures are taken at the same moment of the quiet.
        var settled = Probe.Memory(server.Pid).Rss;
        await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, VigieBench.RestSeconds - options.SettleSeconds)), ct).ConfigureAwait(false);
        result.IdleRssBytes = Probe.Memory(server.Pid).Rss;
        result.Notes.Add($"idle RSS {result.IdleRssBytes / 1e6:0.0} MB, read {VigieBench.RestSeconds:0} s after the parts last changed, without requests meanwhile; {settled / 1e6:0.0} MB when settled");
        var parts = (await QueryAsync(baseUrl, "SELECT count(), sum(bytes_on_disk) FROM system.parts WHERE active AND database = 'default' AND table = 'logs'", ct).ConfigureAwait(false)).Trim().Split('\t');
        result.Parts = long.Parse(parts[0], CultureInfo.InvariantCulture);
        result.DiskBytes = long.Parse(parts[1], CultureInfo.InvariantCulture);
        result.DiskBytesPerEvent = (double)result.DiskBytes / facts.Events;
        result.Notes.Add($"bytes on disk from system.parts (active parts of the table); whole data dir {Probe.DirectoryBytes(Path.Combine(root, "data")) / 1e6:0.0} MB including parts merged away but not yet deleted");
        Console.WriteLine($"clickhouse: settled after {result.SettleSeconds:0} s: {result.DiskBytes / 1e6:0.0} MB in active parts = {result.DiskBytesPerEvent:0.0} B/event, {result.Parts} parts, idle RSS {result.IdleRssBytes / 1e6:0} MB");

        await QueryMixRun.RunAsync(result, server.Pid, spec => RunQueryAsync(baseUrl, spec, server.Pid, ct)).ConfigureAwait(false);
        server.Stop(TimeSpan.FromSeconds(60));
        return result;
    }

    private static void WriteConfig(string root, int port, int tcpPort)
    {
        foreach (var d in new[] { "data", "tmp", "user_files", "format_schemas", "log" })
        {
            Directory.CreateDirectory(Path.Combine(root, d));
        }
        // Only what a loopback child needs; the system config would listen on fixed ports and log to /var/log.
        File.WriteAllText(Path.Combine(root, "config.xml"), $"""
            <?xml version="1.0"?>
            <yandex>
              <logger><level>warning</level><log>{root}/log/server.log</log><errorlog>{root}/log/error.log</errorlog><size>100M</size><count>1</count></logger>
              <http_port>{port}</http_port>
              <tcp_port>{tcpPort}</tcp_port>
              <listen_host>127.0.0.1</listen_host>
              <path>{root}/data/</path>
              <tmp_path>{root}/tmp/</tmp_path>
              <user_files_path>{root}/user_files/</user_files_path>
              <format_schema_path>{root}/format_schemas/</format_schema_path>
              <users_config>users.xml</users_config>
              <default_profile>default</default_profile>
              <default_database>default</default_database>
              <timezone>UTC</timezone>
              <mark_cache_size>5368709120</mark_cache_size>
              <max_concurrent_queries>100</max_concurrent_queries>
            </yandex>
            """);
        File.WriteAllText(Path.Combine(root, "users.xml"), """
            <?xml version="1.0"?>
            <yandex>
              <profiles><default><max_memory_usage>10000000000</max_memory_usage></default></profiles>
              <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
              <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
            </yandex>
            """);
    }

    private async Task WaitReadyAsync(ChildProcess server, string baseUrl, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"clickhouse-server exited at start-up:\n{server.Tail()}");
            }
            try
            {
                using var r = await http.GetAsync(baseUrl + "ping", ct).ConfigureAwait(false);
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
        throw new TimeoutException($"clickhouse-server did not answer /ping within 60 s:\n{server.Tail()}");
    }

    private static async Task<Sender.Retry?> CheckInsertAsync(HttpResponseMessage response, Chunk chunk, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            throw new InvalidOperationException($"clickhouse refused an insert: {(int)response.StatusCode} {body}");
        }
        return null;
    }

    private async Task<string> QueryAsync(string baseUrl, string sql, CancellationToken ct)
    {
        using var content = new StringContent(sql, Encoding.UTF8);
        using var r = await http.PostAsync(baseUrl, content, ct).ConfigureAwait(false);
        var text = await r.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!r.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"clickhouse refused {sql}: {(int)r.StatusCode} {text}");
        }
        return text;
    }

    private async Task SettleAsync(string baseUrl, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var stableSince = Stopwatch.StartNew();
        string? last = null;
        while (sw.Elapsed < TimeSpan.FromSeconds(180))
        {
            var key = await QueryAsync(baseUrl,
                "SELECT (SELECT count() FROM system.parts WHERE active AND table = 'logs'), (SELECT count() FROM system.merges)", ct).ConfigureAwait(false);
            if (key != last)
            {
                last = key;
                stableSince.Restart();
            }
            else if (stableSince.Elapsed >= TimeSpan.FromSeconds(options.SettleSeconds))
            {
                return;
            }
            await Task.Delay(500, ct).ConfigureAwait(false);
        }
        Console.WriteLine("clickhouse: parts were still changing after 180 s; measuring anyway");
    }

    private async Task<QueryResult> RunQueryAsync(string baseUrl, QuerySpec spec, int pid, CancellationToken ct)
    {
        var q = new QueryResult { Name = spec.Name, Query = spec.ClickHouse };
        string text = "";
        var cpu0 = Probe.CpuSeconds(pid);
        for (var i = 0; i < options.Runs; i++)
        {
            var sw = Stopwatch.StartNew();
            text = await QueryAsync(baseUrl, spec.ClickHouse + " FORMAT TabSeparated", ct).ConfigureAwait(false);
            q.RunsMs.Add(Math.Round(sw.Elapsed.TotalMilliseconds, 2));
        }
        q.ServerCpuMsPerRun = Math.Round((Probe.CpuSeconds(pid) - cpu0) * 1000 / options.Runs, 1);
        q.MedianMs = Stats.Median(q.RunsMs);
        var answer = Answers.FromClickHouse(text);
        q.Answer = Answers.Summary(answer);
        q.MismatchWithGenerator = Answers.Compare(spec.Expected(facts), answer, spec.Approximate);
        Console.WriteLine($"clickhouse: {spec.Name,-28} median {q.MedianMs,9:0.0} ms  server CPU {q.ServerCpuMsPerRun,8:0} ms/run  answer {q.Answer}{(q.MismatchWithGenerator is null ? "" : "  WRONG: " + q.MismatchWithGenerator)}");
        Answers.Last[("ClickHouse", spec.Name)] = answer;
        return q;
    }
}
