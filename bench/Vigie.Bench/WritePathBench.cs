using System.Diagnostics;
using System.Globalization;
using Vigie.Core;
using Vigie.Ingestion;
using Vigie.Storage.Store;

namespace Vigie.Bench;

/// <summary>
/// <c>vigie-bench write-path [EVENTS] [RUNS] [decode|hold|flush|build|build-plain]</c>: the server's write path in-process, without HTTP or
/// ClickHouse, on the benchmark's own corpus. Each phase is measured as process CPU time and bytes
/// allocated per event (both far less sensitive to a busy machine than wall-clock time), the median
/// of RUNS runs:
/// (1) decode: NDJSON into batches as the ingest endpoint cuts them ("hold" then measures it again
/// with each full batch copied as the store holds it, grouped by stream);
/// (2) decode + WAL: the same, appended durably to a store that does not flush;
/// (3) flush: that store's memtable turned into parts (blocks, encodings, bloom filters, zstd);
/// (4) all: decode, WAL and flushes as the server runs them (flush every 0.5 s or 32 MB);
/// (5) merge: the parts of (4) merged into one.
/// "flush" measures (3) alone, on a corpus that ends at a fixed time, and prints a digest of the part
/// files it wrote: two builds that write the same parts print the same digest. "build" measures the
/// flush's block building alone (no encoding) on the batches held as the store holds them, grouped
/// by stream; "build-plain" on the batches as they came.
/// </summary>
internal static class WritePathBench
{
    private const int BatchEvents = 4 * 1024;
    private const int BatchValueBytes = 1024 * 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        // "decode" as a third argument measures the decode phase alone (a quick loop, or for a profiler).
        var decodeOnly = args.Length > 2 && args[2] == "decode";
        var flushOnly = args.Length > 2 && args[2] == "flush";
        // "hold" as a third argument: decode alone, then decode with each full batch copied as the store holds it.
        var holdOnly = args.Length > 2 && args[2] == "hold";
        // "build" or "build-plain": the flush's block building alone (grouping, sorting, copying rows into
        // blocks; no encoding), on the batches held grouped by stream as the store holds them, or as they came.
        var buildOnly = args.Length > 2 && args[2] is "build" or "build-plain";
        var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500_000;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        // A fixed end keeps the corpus, hence the part files, the same from one run to the next.
        var corpus = Generate(events, flushOnly || buildOnly ? FixedEnd : DateTimeOffset.UtcNow);
        Console.WriteLine($"corpus: {events:N0} events, {corpus.Length / 1e6:0.0} MB of NDJSON ({(double)corpus.Length / events:0} B/event); " +
            $"{Environment.ProcessorCount} cores, load average {LoadAverage()}; median of {runs} runs");

        if (flushOnly)
        {
            return await FlushOnly(corpus, events, runs);
        }
        if (args.Length > 2 && args[2] == "wal")
        {
            return await WalOnly(corpus, events, runs);
        }
        if (buildOnly)
        {
            return await BuildOnly(corpus, events, runs, grouped: args[2] == "build");
        }

        await DecodeOnly(corpus); // warm-up: JIT, pools
        var decode = Median(runs, () => DecodeOnly(corpus));
        Print("decode", decode, events);
        if (decodeOnly)
        {
            return 0;
        }
        if (holdOnly)
        {
            var held = new CompactBatchPool(long.MaxValue);
            await DecodeThenHold(corpus, held);
            Print("decode + hold", Median(runs, () => DecodeThenHold(corpus, held)), events);
            return 0;
        }

        var wal = new List<Measure>();
        var flush = new List<Measure>();
        for (var r = 0; r < runs; r++)
        {
            var (w, f) = await DecodeWalThenFlush(corpus);
            wal.Add(w);
            flush.Add(f);
        }
        Print("decode + WAL", MedianOf(wal), events);
        Print("flush to parts", MedianOf(flush), events);

        var all = new List<Measure>();
        var merge = new List<Measure>();
        var diskBytes = 0L;
        var parts = 0;
        for (var r = 0; r < runs; r++)
        {
            var (a, m, bytes, p) = await AllThenMerge(corpus);
            all.Add(a);
            merge.Add(m);
            (diskBytes, parts) = (bytes, p);
        }
        Print("all (as served)", MedianOf(all), events);
        Print($"merge {parts} parts into 1", MedianOf(merge), events);
        Console.WriteLine($"disk after merge: {(double)diskBytes / events:0.0} bytes/event");
        return 0;
    }

    /// <summary>CPU seconds of the process, bytes allocated by all threads, wall seconds.</summary>
    private readonly record struct Measure(double CpuSeconds, long AllocatedBytes, double WallSeconds);

    private static void Print(string phase, Measure m, int events) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{phase,-24} {m.CpuSeconds * 1e9 / events,7:0} ns CPU/event  {events / m.CpuSeconds,11:N0} events/CPU-s  {(double)m.AllocatedBytes / events,7:0.0} B alloc/event  {m.WallSeconds,6:0.00} s wall"));

    private static Measure Median(int runs, Func<Task<Measure>> run)
    {
        var all = new List<Measure>();
        for (var i = 0; i < runs; i++)
        {
            all.Add(run().GetAwaiter().GetResult());
        }
        return MedianOf(all);
    }

    private static Measure MedianOf(List<Measure> all)
    {
        var sorted = all.OrderBy(m => m.CpuSeconds).ToList();
        return sorted[sorted.Count / 2];
    }

    private readonly struct Probe
    {
        private readonly TimeSpan _cpu;
        private readonly long _allocated;
        private readonly long _started;

        public Probe()
        {
            _cpu = Process.GetCurrentProcess().TotalProcessorTime;
            _allocated = GC.GetTotalAllocatedBytes(precise: true);
            _started = Stopwatch.GetTimestamp();
        }

        public Measure Stop() => new(
            (Process.GetCurrentProcess().TotalProcessorTime - _cpu).TotalSeconds,
            GC.GetTotalAllocatedBytes(precise: true) - _allocated,
            Stopwatch.GetElapsedTime(_started).TotalSeconds);
    }

    private static readonly StreamFields Streams = new(["host", "service"]);

    private static NdjsonLimits Limits => new() { FlushEvents = BatchEvents, FlushValueBytes = BatchValueBytes };

    private static async Task<Measure> DecodeOnly(byte[] corpus)
    {
        Settle();
        var probe = new Probe();
        await NdjsonDecoder.DecodeAsync(new MemoryStream(corpus, writable: false), NewBatch(), Streams, Limits, Timestamps.Now(),
            (_, _) => ValueTask.FromResult(NewBatch()));
        return probe.Stop();
    }

    /// <summary>
    /// Decodes as <see cref="DecodeOnly"/> and copies each full batch as the store holds it (the copy
    /// the store makes in the request's thread, while the batch is still in its cache), then lets the
    /// copy go back to its pool.
    /// </summary>
    private static async Task<Measure> DecodeThenHold(byte[] corpus, CompactBatchPool held)
    {
        Settle();
        var probe = new Probe();
        await NdjsonDecoder.DecodeAsync(new MemoryStream(corpus, writable: false), NewBatch(), Streams, Limits, Timestamps.Now(),
            (full, _) =>
            {
                held.Copy(full).Release();
                return ValueTask.FromResult(NewBatch());
            });
        return probe.Stop();
    }

    /// <summary>
    /// The flush's block building alone: <see cref="FlushPartBuilder.Group"/> and <see cref="FlushPartBuilder.Blocks"/>
    /// over the corpus's batches with one scratch, every block given back at once, as the part writer
    /// does once a block is encoded. Prints the median CPU per event and a count of blocks and rows.
    /// </summary>
    private static async Task<int> BuildOnly(byte[] corpus, int events, int runs, bool grouped)
    {
        var held = new CompactBatchPool(long.MaxValue);
        var batches = new List<EventBatch>();
        await NdjsonDecoder.DecodeAsync(new MemoryStream(corpus, writable: false), NewBatch(), Streams, Limits, Timestamps.Now(),
            (full, _) =>
            {
                batches.Add(grouped ? held.Copy(full) : full);
                return ValueTask.FromResult(NewBatch());
            });
        var scratch = new FlushScratch();
        long blocks = 0, rows = 0;
        Measure Build()
        {
            Settle();
            var probe = new Probe();
            blocks = rows = 0;
            foreach (var (_, streams) in FlushPartBuilder.Group(batches, scratch))
            {
                foreach (var block in FlushPartBuilder.Blocks(batches, streams, scratch.Builder))
                {
                    blocks++;
                    rows += block.RowCount;
                    block.ReturnLentBuffers();
                }
            }
            scratch.Release();
            return probe.Stop();
        }
        Build(); // warm-up: JIT, the scratch's arrays
        Print(grouped ? "build blocks (grouped)" : "build blocks (as came)", Median(runs, () => Task.FromResult(Build())), events);
        Console.WriteLine($"{blocks} blocks, {rows} rows; batches grouped: {batches.Count(b => b.IsGroupedByStream)} of {batches.Count}");
        return 0;
    }

    private static readonly DateTimeOffset FixedEnd = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static async Task<int> FlushOnly(byte[] corpus, int events, int runs)
    {
        await DecodeWalThenFlush(corpus); // warm-up: JIT, pools
        var flush = new List<Measure>();
        var digest = "";
        for (var r = 0; r < runs; r++)
        {
            var (_, f) = await DecodeWalThenFlush(corpus, dir => digest = DigestParts(dir));
            flush.Add(f);
        }
        Print("flush to parts", MedianOf(flush), events);
        Console.WriteLine($"part files digest: {digest}");
        return 0;
    }

    /// <summary>
    /// The blocks of the part that "flush" writes for <paramref name="events"/> events, read back and
    /// decoded, every column's texts materialised: what the column encoder was given (encode mode).
    /// </summary>
    internal static async Task<List<Vigie.Storage.Blocks.ColumnarBlock>> FlushedBlocks(int events)
    {
        var corpus = Generate(events, FixedEnd);
        var blocks = new List<Vigie.Storage.Blocks.ColumnarBlock>();
        await DecodeWalThenFlush(corpus, dir =>
        {
            foreach (var part in Directory.EnumerateFiles(dir, "*.part", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                using var reader = Vigie.Storage.Parts.PartReader.Open(part);
                for (var b = 0; b < reader.Blocks.Count; b++)
                {
                    var block = reader.ReadBlock(b);
                    foreach (var column in block.Columns)
                    {
                        _ = column.Offsets;
                    }
                    blocks.Add(block);
                }
            }
        });
        return blocks;
    }

    /// <summary>SHA-256 over the part files' relative paths and contents, in path order.</summary>
    private static string DigestParts(string dir)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var parts = Directory.EnumerateFiles(dir, "*.part", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(dir, f))
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var part in parts)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(part));
            sha.AppendData(File.ReadAllBytes(Path.Combine(dir, part)));
        }
        long blocks = 0, columns = 0, rows = 0;
        foreach (var part in parts)
        {
            using var reader = Vigie.Storage.Parts.PartReader.Open(Path.Combine(dir, part));
            blocks += reader.Blocks.Count;
            columns += reader.Blocks.Sum(b => b.Columns.Count);
            rows += reader.RowCount;
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"{parts.Count} parts, {Convert.ToHexStringLower(sha.GetHashAndReset())} ({blocks} blocks, {(double)rows / blocks:0} rows and {(double)columns / blocks:0.0} columns per block)");
    }

    private static async Task<(Measure Wal, Measure Flush)> DecodeWalThenFlush(byte[] corpus, Action<string>? inspect = null)
    {
        var dir = Directory.CreateTempSubdirectory("vigie-bench-write-").FullName;
        try
        {
            var options = new StoreOptions
            {
                DataDirectory = dir,
                FlushInterval = TimeSpan.FromHours(1),
                MemtableFlushBytes = long.MaxValue,
                MaxUnflushedBytes = long.MaxValue,
                BackgroundMerges = false,
            };
            using var store = LogStore.Open(options);
            Settle();
            var probe = new Probe();
            await Ingest(store, corpus);
            var wal = probe.Stop();
            Settle();
            probe = new Probe();
            await store.FlushAsync();
            var flush = probe.Stop();
            inspect?.Invoke(dir);
            return (wal, flush);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<(Measure All, Measure Merge, long DiskBytes, int Parts)> AllThenMerge(byte[] corpus)
    {
        var dir = Directory.CreateTempSubdirectory("vigie-bench-write-").FullName;
        try
        {
            using var store = LogStore.Open(new StoreOptions { DataDirectory = dir, BackgroundMerges = false });
            Settle();
            var probe = new Probe();
            await Ingest(store, corpus);
            await store.FlushAsync();
            var all = probe.Stop();
            var parts = store.GetStatus().Parts;
            Settle();
            probe = new Probe();
            while (await store.MergeOnceAsync(force: true))
            {
            }
            var merge = probe.Stop();
            return (all, merge, store.GetStatus().PartBytes, parts);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Decodes and appends as the ingest endpoint does: two batches in flight per request.</summary>
    private static async Task Ingest(LogStore store, byte[] corpus)
    {
        var inFlight = new List<Task>();
        await NdjsonDecoder.DecodeAsync(new MemoryStream(corpus, writable: false), NewBatch(), Streams, Limits, Timestamps.Now(),
            async (full, ct) =>
            {
                if (inFlight.Count >= 2)
                {
                    var done = await Task.WhenAny(inFlight);
                    inFlight.Remove(done);
                    await done;
                }
                inFlight.Add(store.AppendAsync(full, ct));
                return NewBatch();
            });
        await Task.WhenAll(inFlight);
    }

    private static EventBatch NewBatch() => new(BatchEvents + 1, (BatchEvents + 1) * 16, BatchValueBytes + 64 * 1024);

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static byte[] Generate(int events, DateTimeOffset end)
    {
        var dir = Directory.CreateTempSubdirectory("vigie-bench-corpus-").FullName;
        try
        {
            var ndjson = Path.Combine(dir, "corpus.ndjson");
            new Corpus(events, 42, end).Write(ndjson, Path.Combine(dir, "corpus.tsv"), 16 * 1024 * 1024);
            return File.ReadAllBytes(ndjson);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

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

    /// <summary>
    /// "wal" as a third argument: the corpus decoded once, then its batches appended to a log of their
    /// own, eight appends in flight (four requests of two), and nothing else: the WAL's CPU without the
    /// decode phase's spread.
    /// </summary>
    private static async Task<int> WalOnly(byte[] corpus, int events, int runs)
    {
        var batches = new List<EventBatch>();
        await NdjsonDecoder.DecodeAsync(new MemoryStream(corpus, writable: false), NewBatch(), Streams, Limits, Timestamps.Now(),
            (full, _) =>
            {
                batches.Add(full);
                return ValueTask.FromResult(NewBatch());
            });
        await AppendAll(batches); // warm-up: JIT, pools
        var wal = new List<Measure>();
        for (var r = 0; r < runs; r++)
        {
            wal.Add(await AppendAll(batches));
        }
        Print("WAL (decoded batches)", MedianOf(wal), events);
        return 0;
    }

    private static async Task<Measure> AppendAll(List<EventBatch> batches)
    {
        var dir = Directory.CreateTempSubdirectory("vigie-bench-wal-").FullName;
        try
        {
            Settle();
            var probe = new Probe();
            using (var wal = new Vigie.Storage.Wal.WriteAheadLog(dir, 1, (_, _) => { }, new StoreMetrics()))
            {
                var inFlight = new List<Task>();
                foreach (var batch in batches)
                {
                    if (inFlight.Count >= 8)
                    {
                        var done = await Task.WhenAny(inFlight);
                        inFlight.Remove(done);
                        await done;
                    }
                    inFlight.Add(wal.AppendAsync(batch));
                }
                await Task.WhenAll(inFlight);
            }
            return probe.Stop();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
