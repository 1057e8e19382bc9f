using System.Diagnostics;
using System.Globalization;
using Vigie.Core;
using Vigie.Ingestion;
using Vigie.Storage.Store;

namespace Vigie.Bench;

/// <summary>
/// <c>vigie-bench merges [EVENTS] [FLUSH_EVENTS] [RUNS] [MAX_PARTS_WHILE_INGESTING]</c>: flushes and background merges as the server runs
/// them over a long ingestion, in-process and in a fixed order so that two builds do the same work:
/// the benchmark's corpus is decoded and appended, every FLUSH_EVENTS events the memtable is flushed
/// to a part (the server flushes at 32 MB of values, about 130,000 events of this corpus), then the
/// store's merge policy runs until it has nothing to merge. Prints the process CPU time per
/// ingested event spent in flushes and in merges, how many times merges wrote each event (all rows
/// of the merged parts) and rebuilt it (decoded and encoded again), the merges that bring the quiet
/// partition down to its part count at rest once ingestion stops, and the bytes per event at the end.
/// With VIGIE_BENCH_KEEP_STORE=DIR in the environment, the last run's store is moved to DIR
/// instead of being deleted, for its parts to be studied afterwards.
/// </summary>
internal static class MergePathBench
{
    private const int BatchEvents = 4 * 1024;
    private const int BatchValueBytes = 1024 * 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2_000_000;
        var flushEvents = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 130_000;
        var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        // The merge policy's bound while ingesting (StoreOptions.MaxPartsWhileIngesting), to compare settings.
        var maxPartsWhileIngesting = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : new StoreOptions { DataDirectory = "." }.MaxPartsWhileIngesting;
        var dir = Directory.CreateTempSubdirectory("vigie-bench-merges-").FullName;
        try
        {
            var ndjson = Path.Combine(dir, "corpus.ndjson");
            var tsv = Path.Combine(dir, "corpus.tsv");
            new Corpus(events, 42, DateTimeOffset.UtcNow).Write(ndjson, tsv, 16 * 1024 * 1024);
            File.Delete(tsv);
            Console.WriteLine($"corpus: {events:N0} events, {new FileInfo(ndjson).Length / 1e6:0} MB of NDJSON; flush every {flushEvents:N0} events; " +
                $"at most {maxPartsWhileIngesting} parts while ingesting; {Environment.ProcessorCount} cores, load average {LoadAverage()}");
            // VIGIE_BENCH_KEEP_STORE=DIR keeps the last run's store there, to study its parts offline.
            var keep = Environment.GetEnvironmentVariable("VIGIE_BENCH_KEEP_STORE");
            for (var r = 0; r < runs; r++)
            {
                var storeDir = Path.Combine(dir, $"store{r}");
                await RunOnce(ndjson, storeDir, events, flushEvents, maxPartsWhileIngesting);
                if (!string.IsNullOrEmpty(keep) && r == runs - 1)
                {
                    Directory.Move(storeDir, keep);
                    Console.WriteLine($"store kept in {keep}");
                }
            }
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task RunOnce(string ndjson, string storeDir, int events, int flushEvents, int maxPartsWhileIngesting)
    {
        GC.Collect();
        using var store = LogStore.Open(new StoreOptions
        {
            DataDirectory = storeDir,
            FlushInterval = TimeSpan.FromHours(1),
            MemtableFlushBytes = long.MaxValue,
            MaxUnflushedBytes = long.MaxValue,
            BackgroundMerges = false,
            MaxPartsWhileIngesting = maxPartsWhileIngesting,
        });
        var flushCpu = TimeSpan.Zero;
        var mergeCpu = TimeSpan.Zero;
        long mergeAllocated = 0;
        var sinceFlush = 0;
        var flushes = 0;
        var maxParts = 0;

        async Task FlushAndMerge()
        {
            var cpu = Cpu();
            await store.FlushAsync();
            var afterFlush = Cpu();
            flushCpu += afterFlush - cpu;
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            flushes++;
            maxParts = Math.Max(maxParts, store.GetStatus().Parts);
            while (await store.MergeOnceAsync())
            {
            }
            mergeCpu += Cpu() - afterFlush;
            mergeAllocated += GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            sinceFlush = 0;
        }

        await using (var input = File.OpenRead(ndjson))
        {
            var limits = new NdjsonLimits { FlushEvents = BatchEvents, FlushValueBytes = BatchValueBytes, MaxBodyBytes = long.MaxValue };
            await NdjsonDecoder.DecodeAsync(input, NewBatch(), new StreamFields(["host", "service"]), limits, Timestamps.Now(),
                async (full, ct) =>
                {
                    sinceFlush += full.Count;
                    await store.AppendAsync(full, ct);
                    if (sinceFlush >= flushEvents)
                    {
                        await FlushAndMerge();
                    }
                    return NewBatch();
                });
        }
        await FlushAndMerge();

        // Once ingestion stops, the server merges a quiet partition down to its part count at rest.
        var ingestMerges = store.Metrics.Merges;
        var ingestMerged = Interlocked.Read(ref store.Metrics.RowsMerged);
        var ingestRebuilt = Interlocked.Read(ref store.Metrics.RowsRebuiltByMerges);
        var partsBeforeSettling = store.GetStatus().Parts;
        var settleStart = Cpu();
        while (await store.SettleOnceAsync())
        {
        }
        var settleCpu = Cpu() - settleStart;

        var status = store.GetStatus();
        var merged = Interlocked.Read(ref store.Metrics.RowsMerged);
        var rebuilt = Interlocked.Read(ref store.Metrics.RowsRebuiltByMerges);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            flushes                  {flushes,8}  {flushCpu.TotalSeconds * 1e9 / events,7:0} ns CPU/event
            merges while ingesting   {ingestMerges,8}  {mergeCpu.TotalSeconds * 1e9 / events,7:0} ns CPU/event ingested, {(double)mergeAllocated / events,5:0} bytes allocated/event ingested
            merges once quiet        {store.Metrics.Merges - ingestMerges,8}  {settleCpu.TotalSeconds * 1e9 / events,7:0} ns CPU/event ingested
            rows written by merges   {(double)merged / events,8:0.00} per event ({(double)ingestMerged / events:0.00} while ingesting)
            rows rebuilt by merges   {(double)rebuilt / events,8:0.00} per event ({(double)ingestRebuilt / events:0.00} while ingesting)
            parts at the end         {status.Parts,8}  ({partsBeforeSettling} before the quiet merges, at most {maxParts} right after a flush)
            disk                     {(double)status.PartBytes / events,8:0.0} bytes/event
            """));
        PrintLayout(store, events);
    }

    /// <summary>Where the bytes on disk go: times, each column's data and bloom filters, and the rest (indexes, headers).</summary>
    private static void PrintLayout(LogStore store, int events)
    {
        using var snapshot = store.AcquireSnapshot();
        var data = new Dictionary<string, long>(StringComparer.Ordinal);
        var blooms = new Dictionary<string, long>(StringComparer.Ordinal);
        long times = 0;
        long file = 0;
        var blocks = 0;
        foreach (var part in snapshot.Parts)
        {
            file += part.Reader.FileBytes;
            foreach (var block in part.Reader.Blocks)
            {
                blocks++;
                times += block.TimesBytes;
                foreach (var c in block.Columns)
                {
                    data[c.Name] = data.GetValueOrDefault(c.Name) + c.StoredBytes - c.BloomBytes;
                    blooms[c.Name] = blooms.GetValueOrDefault(c.Name) + c.BloomBytes;
                }
            }
        }
        var rest = file - times - data.Values.Sum() - blooms.Values.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"layout: {blocks} blocks, {(double)events / blocks:0} rows/block; bytes/event: times {(double)times / events:0.00}, " +
            $"column data {(double)data.Values.Sum() / events:0.00}, blooms {(double)blooms.Values.Sum() / events:0.00}, index and headers {(double)rest / events:0.00}"));
        foreach (var (name, bytes) in data.OrderByDescending(d => d.Value + blooms[d.Key]).Take(14))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-16} data {(double)bytes / events,6:0.00}  bloom {(double)blooms[name] / events,6:0.00} B/event"));
        }
    }

    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

    private static EventBatch NewBatch() => new(BatchEvents + 1, (BatchEvents + 1) * 16, BatchValueBytes + 64 * 1024);

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
