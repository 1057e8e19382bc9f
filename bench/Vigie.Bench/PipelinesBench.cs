using System.Diagnostics;
using System.Globalization;
using System.Text;
using Vigie.Core;
using Vigie.Ingestion;
using Vigie.Pipelines;
using Vigie.Pipelines.Configuration;
using Vigie.Pipelines.Grok;
using Vigie.Pipelines.Model;
using Vigie.Pipelines.Processors;
using Vigie.Storage.Store;

namespace Vigie.Bench;

/// <summary>
/// <c>vigie-bench pipelines [EVENTS]</c>: in-process, one thread. (1) grok on combined access log lines,
/// events per second of process CPU time; (2) decode + store of an NDJSON corpus without pipelines and with the
/// built-in ones, events per second of process CPU time (the cost, whatever the disk does).
/// </summary>
internal static class PipelinesBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["profile", var kindName, ..])
        {
            return Profile(kindName, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20);
        }
        var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500_000;
        var lines = AccessLines(events, new Random(42));

        var grok = new GrokProcessor(FieldNames.Message, [GrokExpression.Compile("^%{COMBINEDAPACHELOG}")], ignoreMissing: false);
        Grok(grok, lines, Math.Min(20_000, lines.Length)); // warm-up
        var (grokSeconds, grokFailed) = Grok(grok, lines, lines.Length);
        Console.WriteLine($"grok COMBINEDAPACHELOG: {lines.Length / grokSeconds:N0} events per CPU-second ({lines.Length:N0} lines, {grokFailed} failed)");

        var corpus = Corpus(events, lines, new Random(7));
        Console.WriteLine($"corpus: {events:N0} events, {corpus.Length / 1e6:0.0} MB of NDJSON (40% nginx access, 20% JSON application logs, 40% other services)");
        await Ingest(corpus, null, 1); // warm-up
        var (gen2, pause) = (GC.CollectionCount(2), GC.GetTotalPauseDuration());
        var raw = await Ingest(corpus, null, 3);
        Console.WriteLine($"ingest without pipelines: {events / raw:N0} events per CPU-second ({GC.CollectionCount(2) - gen2} gen2 collections, {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:0} ms of GC pauses in 3 runs)");
        using var set = new PipelineSet(PipelineConfigLoader.BuiltInsOnly(), new PipelineMetrics());
        await Ingest(corpus, set, 1);
        (gen2, pause) = (GC.CollectionCount(2), GC.GetTotalPauseDuration());
        var withPipelines = await Ingest(corpus, set, 3);
        Console.WriteLine($"ingest with the built-in pipelines: {events / withPipelines:N0} events per CPU-second ({raw / withPipelines * 100:0}% of raw throughput; {GC.CollectionCount(2) - gen2} gen2 collections, {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:0} ms of GC pauses in 3 runs)");
        // Where the cost goes: one kind of event at a time.
        foreach (var (kind, name) in new[] { (0, "nginx access lines"), (4, "JSON application logs"), (9, "events no pipeline selects") })
        {
            var only = Corpus(events / 3, lines, new Random(7), kind);
            var r = await Ingest(only, null, 2);
            var p = await Ingest(only, set, 2);
            var (alone, storeRaw, storeProcessed) = await Alone(only, set);
            Console.WriteLine($"  {name}: {events / 3 / r:N0} raw, {events / 3 / p:N0} with pipelines ({r / p * 100:0}%); pipelines alone {alone:0} ns/event; storing alone {storeRaw:0} ns/event as it came, {storeProcessed:0} ns/event processed");
        }
        return 0;
    }

    /// <summary>
    /// CPU nanoseconds per event of <see cref="PipelineSet.Process(EventBatch, string)"/> alone, on batches decoded
    /// beforehand (best of 4); then of storing those batches alone, as they came and as the pipelines left them
    /// (the processed events carry more fields, which the store indexes: part of what the pipelines cost).
    /// </summary>
    private static async Task<(double Pipelines, double StoreRaw, double StoreProcessed)> Alone(byte[] corpus, PipelineSet set)
    {
        var batches = Decode(corpus);
        var events = batches.Sum(b => b.Count);
        var best = double.MaxValue;
        for (var r = 0; r < 4; r++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            foreach (var b in batches)
            {
                _ = set.Process(b, "bench");
            }
            best = Math.Min(best, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }
        var processed = batches.Select(b => set.Process(b, "bench").Batch).ToList();
        var storeRaw = await StoreAlone(batches);
        var storeProcessed = await StoreAlone(processed);
        return (best * 1e9 / events, storeRaw * 1e9 / events, storeProcessed * 1e9 / events);
    }

    /// <summary>
    /// <c>vigie-bench pipelines profile mix|nginx|json|other [SECONDS]</c>: only <see cref="PipelineSet.Process(EventBatch, string)"/>
    /// in a loop on batches decoded beforehand, for a profiler to attach to (e.g. <c>dotnet-trace collect -p PID</c>).
    /// </summary>
    private static int Profile(string kindName, int seconds)
    {
        var kind = kindName switch { "nginx" => 0, "json" => 4, "other" => 9, _ => -1 };
        var batches = Decode(Corpus(100_000, AccessLines(100_000, new Random(42)), new Random(7), kind));
        using var set = new PipelineSet(PipelineConfigLoader.BuiltInsOnly(), new PipelineMetrics());
        Console.WriteLine($"process id {Environment.ProcessId}: processing {kindName} for {seconds} s");
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 3)
        {
            foreach (var b in batches)
            {
                _ = set.Process(b, "bench");
            }
        }
        var until = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        long events = 0;
        while (until.Elapsed.TotalSeconds < seconds)
        {
            foreach (var b in batches)
            {
                _ = set.Process(b, "bench");
                events += b.Count;
            }
        }
        Console.WriteLine($"{events:N0} events processed, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalNanoseconds / events:0} CPU ns and {(double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / events:0} bytes allocated per event");
        return 0;
    }

    private static List<EventBatch> Decode(byte[] corpus)
    {
        var batches = new List<EventBatch>();
        var streams = new StreamFields(["service"]);
        NdjsonDecoder.DecodeAsync(new MemoryStream(corpus), new EventBatch(16 * 1024, 16 * 1024 * 8, 4 * 1024 * 1024), streams, new NdjsonLimits { FlushEvents = 16 * 1024 }, Timestamps.Now(),
            (full, ct) =>
            {
                batches.Add(full);
                return ValueTask.FromResult(new EventBatch(16 * 1024, 16 * 1024 * 8, 4 * 1024 * 1024));
            }).AsTask().GetAwaiter().GetResult();
        return batches;
    }

    /// <summary>Best of 3: process CPU seconds to durably store batches already built.</summary>
    private static async Task<double> StoreAlone(List<EventBatch> batches)
    {
        var best = double.MaxValue;
        for (var r = 0; r < 3; r++)
        {
            var dir = Directory.CreateTempSubdirectory("vigie-bench-pipelines-").FullName;
            try
            {
                using var store = LogStore.Open(new StoreOptions { DataDirectory = dir });
                GC.Collect();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                foreach (var b in batches)
                {
                    await store.AppendAsync(b, CancellationToken.None);
                }
                best = Math.Min(best, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        return best;
    }

    private static (double Seconds, int Failed) Grok(GrokProcessor grok, string[] lines, int n)
    {
        var failed = 0;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < n; i++)
        {
            var e = new PipelineEvent(0, StreamKey.Empty, [new(FieldNames.Message, FieldValue.Str(lines[i]))]);
            if (grok.Apply(e) is not null)
            {
                failed++;
            }
        }
        return ((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, failed);
    }

    /// <summary>Best of <paramref name="runs"/>: process CPU seconds to decode and durably store the corpus.</summary>
    private static async Task<double> Ingest(byte[] corpus, PipelineSet? pipelines, int runs)
    {
        var best = double.MaxValue;
        for (var r = 0; r < runs; r++)
        {
            var dir = Directory.CreateTempSubdirectory("vigie-bench-pipelines-").FullName;
            try
            {
                using var store = LogStore.Open(new StoreOptions { DataDirectory = dir });
                var streams = new StreamFields(["service"]);
                GC.Collect();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                await NdjsonDecoder.DecodeAsync(new MemoryStream(corpus), new EventBatch(16 * 1024, 16 * 1024 * 8, 4 * 1024 * 1024), streams, new NdjsonLimits { FlushEvents = 16 * 1024 }, Timestamps.Now(),
                    async (full, ct) =>
                    {
                        var batch = pipelines?.Process(full, "bench").Batch ?? full;
                        await store.AppendAsync(batch, ct);
                        return new EventBatch(16 * 1024, 16 * 1024 * 8, 4 * 1024 * 1024);
                    });
                best = Math.Min(best, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        return best;
    }

    private static string[] AccessLines(int n, Random random)
    {
        string[] paths = ["/", "/index.html", "/api/v1/orders?page=2", "/static/app.3f9a.js", "/login", "/healthz", "/images/logo.png"];
        string[] agents =
        [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
            "curl/8.5.0",
        ];
        int[] statuses = [200, 200, 200, 304, 404, 500];
        var lines = new string[n];
        for (var i = 0; i < n; i++)
        {
            lines[i] = string.Create(CultureInfo.InvariantCulture,
                $"{random.Next(1, 255)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)} - - [25/Nov/2026:10:{i / 60 % 60:00}:{i % 60:00} +0100] \"GET {paths[random.Next(paths.Length)]} HTTP/1.1\" {statuses[random.Next(statuses.Length)]} {random.Next(100, 50_000)} \"-\" \"{agents[random.Next(agents.Length)]}\"");
        }
        return lines;
    }

    private static byte[] Corpus(int n, string[] access, Random random, int only = -1)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < n; i++)
        {
            var kind = only >= 0 ? only : random.Next(10);
            string msg, service;
            if (kind < 4)
            {
                (msg, service) = (access[i], "nginx");
            }
            else if (kind < 6)
            {
                (msg, service) = (string.Create(CultureInfo.InvariantCulture, $"{{\"level\":\"info\",\"msg\":\"order {i} paid\",\"time\":\"2026-11-25T10:00:{i % 60:00}Z\",\"amount\":{i % 300}}}"), "billing");
            }
            else
            {
                (msg, service) = (string.Create(CultureInfo.InvariantCulture, $"worker {i % 8} finished job {i} in {i % 977} ms"), "worker");
            }
            sb.Append("{\"_msg\":").Append(System.Text.Json.JsonSerializer.Serialize(msg)).Append(",\"service\":\"").Append(service).Append("\",\"host\":\"web-").Append(i % 4).Append("\"}\n");
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
