using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Core;
using Vigie.Ingestion;
using Vigie.Ingestion.Service;
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
    /// <summary>Set by <c>--allocate-outputs</c>: the pipelines allocate each output batch instead of taking it from the store's pool (the way before).</summary>
    private static bool s_allocateOutputs;

    /// <summary>The issue's target: ingesting with the built-in pipelines keeps at least this share of the raw throughput.</summary>
    private const double TargetRatio = 0.5;

    public static async Task<int> RunAsync(string[] args)
    {
        s_allocateOutputs = args.Contains("--allocate-outputs");
        args = [.. args.Where(a => a != "--allocate-outputs")];
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
        var builtIns = PipelineConfigLoader.BuiltInsOnly();
        Console.WriteLine($"corpus: {events:N0} events, {corpus.Length / 1e6:0.0} MB of NDJSON (40% nginx access, 20% JSON application logs, 40% other services); output batches {(s_allocateOutputs ? "allocated" : "from the store's pool")}");
        _ = await Ingest(corpus, null); // warm-up
        _ = await Ingest(corpus, builtIns);
        var (gen2, pause) = (GC.CollectionCount(2), GC.GetTotalPauseDuration());
        var mixed = await Pairs(corpus, builtIns, 5);
        Console.WriteLine($"ingest without pipelines: {mixed.Raw} events per CPU-second");
        Console.WriteLine($"ingest with the built-in pipelines: {mixed.With} events per CPU-second");
        Console.WriteLine($"  ratio {mixed.Ratio}; up to the WAL only (parts not written) {mixed.DurableRatio}");
        Console.WriteLine($"  ({GC.CollectionCount(2) - gen2} gen2 collections, {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:0} ms of GC pauses in the 10 runs)");
        // Where the cost goes: one kind of event at a time.
        var kinds = new List<string>();
        using var set = new PipelineSet(builtIns, new PipelineMetrics(), outputs: s_allocateOutputs ? null : NewPool());
        foreach (var (kind, name) in new[] { (0, "nginx access lines"), (4, "JSON application logs"), (9, "events no pipeline selects") })
        {
            var only = Corpus(events / 3, lines, new Random(7), kind);
            var figures = await Pairs(only, builtIns, 3);
            var (alone, bytes, storeRaw, storeProcessed) = await Alone(only, set);
            Console.WriteLine($"  {name}: {figures.Raw} raw, {figures.With} with pipelines, ratio {figures.Ratio} ({figures.DurableRatio} up to the WAL only); pipelines alone {alone:0} ns/event, {bytes:0} bytes allocated/event; storing alone {storeRaw:0} ns/event as it came, {storeProcessed:0} ns/event processed");
            kinds.Add($"{name} {figures.Ratio}");
        }
        Console.WriteLine();
        Console.WriteLine($"target: events per CPU-second with the built-in pipelines >= {TargetRatio:P0} of without (decoded, durable and written to parts)");
        Console.WriteLine($"  mixed corpus: {mixed.Ratio} -> {(mixed.MedianRatio >= TargetRatio ? "met" : "NOT met")} ({mixed.DurableRatio} up to the WAL only, parts not written)");
        Console.WriteLine($"  per kind: {string.Join(", ", kinds)}");
        return 0;
    }

    /// <param name="Ratio">With over without, events per CPU-second, up to the parts written (the target's figure).</param>
    /// <param name="DurableRatio">The same up to the last batch durable in the WAL, parts not yet written (the figure measured before).</param>
    private sealed record Figures(string Raw, string With, string Ratio, double MedianRatio, string DurableRatio);

    /// <summary>
    /// <paramref name="pairs"/> runs without then with the pipelines, one after the other so that both of a pair see
    /// the same load: medians (and ranges) of the rates, and of the ratio within each pair.
    /// </summary>
    private static async Task<Figures> Pairs(byte[] corpus, IReadOnlyList<Pipeline> pipelines, int pairs)
    {
        var events = CountLines(corpus);
        var raw = new List<double>();
        var with = new List<double>();
        var ratios = new List<double>();
        var durableRatios = new List<double>();
        for (var i = 0; i < pairs; i++)
        {
            var r = await Ingest(corpus, null);
            var w = await Ingest(corpus, pipelines);
            raw.Add(events / r.Parts);
            with.Add(events / w.Parts);
            ratios.Add(r.Parts / w.Parts);
            durableRatios.Add(r.Durable / w.Durable);
        }
        static string Percent(List<double> values) => $"{Median(values) * 100:0}% ({values.Min() * 100:0} - {values.Max() * 100:0}%)";
        return new Figures(
            $"{Median(raw):N0} ({raw.Min():N0} - {raw.Max():N0})",
            $"{Median(with):N0} ({with.Min():N0} - {with.Max():N0})",
            Percent(ratios),
            Median(ratios),
            Percent(durableRatios));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static int CountLines(byte[] corpus) => corpus.Count(b => b == (byte)'\n');

    /// <summary>A pool like the store's (<see cref="LogStore.BatchPool"/>), for the in-process figures that run without a store.</summary>
    private static EventBatchPool NewPool() => new(LogStore.PooledBatchEvents, LogStore.PooledBatchEvents * 16, LogStore.PooledBatchValueBytes, maxPooled: 32);

    /// <summary>
    /// CPU nanoseconds and bytes allocated per event of <see cref="PipelineSet.Process(EventBatch, string)"/> alone, on
    /// batches decoded beforehand (best of 4), each output released at once; then of storing those batches alone, as
    /// they came and as the pipelines left them (the processed events carry more fields, which the store indexes: part
    /// of what the pipelines cost).
    /// </summary>
    private static async Task<(double Pipelines, double Bytes, double StoreRaw, double StoreProcessed)> Alone(byte[] corpus, PipelineSet set)
    {
        var batches = Decode(corpus, new StreamFields(["service"]));
        var events = batches.Sum(b => b.Count);
        var best = double.MaxValue;
        var bytes = double.MaxValue;
        for (var r = 0; r < 4; r++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            foreach (var b in batches)
            {
                ProcessAndRelease(set, b);
            }
            best = Math.Min(best, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
            bytes = Math.Min(bytes, GC.GetAllocatedBytesForCurrentThread() - allocated);
        }
        var processed = batches.Select(b => set.Process(b, "bench").Batch).ToList();
        var storeRaw = await StoreAlone(batches);
        var storeProcessed = await StoreAlone(processed);
        return (best * 1e9 / events, bytes / events, storeRaw * 1e9 / events, storeProcessed * 1e9 / events);
    }

    /// <summary>What <see cref="IngestionService"/> does with an output batch once stored: hands it back.</summary>
    private static void ProcessAndRelease(PipelineSet set, EventBatch batch)
    {
        var output = set.Process(batch, "bench").Batch;
        if (!ReferenceEquals(output, batch))
        {
            output.Release();
        }
    }

    /// <summary>
    /// <c>vigie-bench pipelines profile mix|nginx|json|other|FILE.ndjson [SECONDS]</c>: only <see cref="PipelineSet.Process(EventBatch, string)"/>
    /// in a loop on batches decoded beforehand, for a profiler to attach to (e.g. <c>dotnet-trace collect -p PID</c>).
    /// </summary>
    private static int Profile(string kindName, int seconds)
    {
        var kind = kindName switch { "nginx" => 0, "json" => 4, "other" => 9, _ => -1 };
        // An NDJSON file instead of a kind: its first 32 MB, with the macro benchmark's stream fields (e.g. the
        // corpus.ndjson that `vigie-bench --keep` leaves), to see what the pipelines cost on what is sent over HTTP.
        var batches = File.Exists(kindName)
            ? Decode(Head(kindName, 32 << 20), new StreamFields(["host", "service"]))
            : Decode(Corpus(100_000, AccessLines(100_000, new Random(42)), new Random(7), kind), new StreamFields(["service"]));
        using var set = new PipelineSet(PipelineConfigLoader.BuiltInsOnly(), new PipelineMetrics(), outputs: s_allocateOutputs ? null : NewPool());
        Console.WriteLine($"process id {Environment.ProcessId}: processing {kindName} for {seconds} s");
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 3)
        {
            foreach (var b in batches)
            {
                ProcessAndRelease(set, b);
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
                ProcessAndRelease(set, b);
                events += b.Count;
            }
        }
        Console.WriteLine($"{events:N0} events processed, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalNanoseconds / events:0} CPU ns and {(double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / events:0} bytes allocated per event");
        var sample = set.Process(batches[0], "bench").Batch;
        Console.WriteLine($"an output batch: {sample.Count:N0} events, {sample.TotalFields:N0} fields, {sample.ValueBytes:N0} bytes of values, {sample.MemoryBytes:N0} bytes of memory (input {batches[0].ValueBytes:N0} bytes of values, {batches[0].MemoryBytes:N0} of memory)");
        return 0;
    }

    /// <summary>The corpus decoded into batches of 4,096 events from a pool, as the server's HTTP ingest decodes a large body.</summary>
    private static List<EventBatch> Decode(byte[] corpus, StreamFields streams)
    {
        var batches = new List<EventBatch>();
        var pool = NewPool();
        var limits = new NdjsonLimits { FlushEvents = LogStore.PooledBatchEvents - 1, FlushValueBytes = 1024 * 1024 };
        NdjsonDecoder.DecodeAsync(new MemoryStream(corpus), pool.Rent(), streams, limits, Timestamps.Now(),
            (full, ct) =>
            {
                batches.Add(full);
                return ValueTask.FromResult(pool.Rent());
            }).AsTask().GetAwaiter().GetResult();
        return batches;
    }

    /// <summary>The whole lines within the first <paramref name="bytes"/> bytes of a file.</summary>
    private static byte[] Head(string path, int bytes)
    {
        using var file = File.OpenRead(path);
        var buffer = new byte[Math.Min(bytes, file.Length)];
        file.ReadExactly(buffer);
        return buffer.AsSpan(0, buffer.AsSpan().LastIndexOf((byte)'\n') + 1).ToArray();
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

    /// <summary>
    /// Process CPU seconds to decode the corpus, store it durably and write it to parts, as the server's HTTP ingest
    /// does it: batches of 4,096 events from the store's pool, through <see cref="IngestionService"/> (which runs the
    /// pipelines when <paramref name="pipelines"/> is set, their output batches from the same pool unless
    /// <see cref="s_allocateOutputs"/>). The parts are written within the measure (a final flush): what the pipelines
    /// add to them (more fields to index) is part of their cost, and a run does not depend on how much of the
    /// corpus the periodic flush happened to write before the end. No background merges. Returns the CPU time
    /// until the last batch was durable (in the WAL, as acknowledged) and until all were written to parts.
    /// </summary>
    private static async Task<(double Durable, double Parts)> Ingest(byte[] corpus, IReadOnlyList<Pipeline>? pipelines)
    {
        var dir = Directory.CreateTempSubdirectory("vigie-bench-pipelines-").FullName;
        try
        {
            using var store = LogStore.Open(new StoreOptions { DataDirectory = dir, BackgroundMerges = false });
            using var set = pipelines is null ? null : new PipelineSet(pipelines, new PipelineMetrics(), outputs: s_allocateOutputs ? null : store.BatchPool);
            var ingestion = new IngestionService(store, NullLogger<IngestionService>.Instance) { Processor = set };
            var streams = new StreamFields(["service"]);
            var limits = new NdjsonLimits { FlushEvents = LogStore.PooledBatchEvents - 1, FlushValueBytes = 1024 * 1024 };
            GC.Collect();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var filling = store.BatchPool.Rent();
            try
            {
                await NdjsonDecoder.DecodeAsync(new MemoryStream(corpus), filling, streams, limits, Timestamps.Now(),
                    async (full, ct) =>
                    {
                        filling = null;
                        try
                        {
                            await ingestion.StoreAsync(full, "bench", ct);
                        }
                        finally
                        {
                            full.Release();
                        }
                        return filling = store.BatchPool.Rent();
                    });
            }
            finally
            {
                filling?.Release();
            }
            var durable = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            await store.FlushAsync();
            return (durable, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
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
