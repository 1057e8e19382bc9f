using System.Diagnostics;
using System.Globalization;
using Vigie.Core;
using Vigie.Ingestion;
using Vigie.Query.Engine;
using Vigie.Query.Rows;
using Vigie.Storage.Store;

namespace Vigie.Bench;

/// <summary>
/// <c>vigie-bench query-engine</c>: the query mix of the macro benchmark, in-process, without HTTP or
/// ClickHouse. Builds a store of the benchmark corpus once (or reuses one given with <c>--data</c>),
/// then runs each query several times and prints the median wall time and the median process CPU
/// time per query: CPU time is what the shared machine's load distorts least.
/// </summary>
internal static class QueryEngineBench
{
    public const string Usage = """
        usage: vigie-bench query-engine [--events N] [--data DIR] [--runs N] [--only NAME]
          --events N   events of the benchmark corpus to store (default 1000000)
          --data DIR   keep the store in DIR: built there if empty, reused as is otherwise
          --runs N     timed runs per query (default 7; the median is printed)
          --only NAME  run only the queries whose name contains NAME
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        long events = 1_000_000;
        string? data = null;
        var runs = 7;
        string? only = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--events": events = long.Parse(value, CultureInfo.InvariantCulture); break;
                case "--data": data = value; break;
                case "--runs": runs = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--only": only = value; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
            i++;
        }
        var owned = data is null;
        var dir = data ?? Directory.CreateTempSubdirectory("vigie-bench-query-").FullName;
        try
        {
            Directory.CreateDirectory(dir);
            var fresh = !Directory.EnumerateFileSystemEntries(dir).Any();
            using var store = LogStore.Open(new StoreOptions { DataDirectory = dir });
            if (fresh)
            {
                await BuildAsync(store, dir, events);
            }
            var engine = new QueryEngine(store);
            var status = store.GetStatus();
            Console.WriteLine($"store: {status.Rows:N0} rows in {status.Parts} parts; load average {LoadAverage()}");
            Console.WriteLine(Layout(store, ["service", "status", "duration", "client_ip"]));
            Console.WriteLine($"{"query",-28} {"wall ms",9} {"cpu ms",9}  answer");
            // the query mix, then the web UI's searches as Discover runs them: events, newest first, 1,001 at most
            var specs = QuerySpec.Mix.Select(q => (Name: q.Name, Vigie: q.Vigie, Limit: (int?)null))
                .Concat(UiBench.Searches.Select(q => (Name: $"events: {q.Name}", Vigie: q.Query, Limit: (int?)1001)));
            foreach (var spec in specs)
            {
                if (only is not null && !spec.Name.Contains(only, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                var request = new QueryRequest(Query.Syntax.Query.Parse(spec.Vigie), Timestamps.Now(), Limit: spec.Limit);
                var rows = engine.ExecuteAll(request); // warm-up
                var walls = new List<double>();
                var cpus = new List<double>();
                for (var r = 0; r < runs; r++)
                {
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    var clock = Stopwatch.StartNew();
                    rows = engine.ExecuteAll(request);
                    walls.Add(clock.Elapsed.TotalMilliseconds);
                    cpus.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
                }
                Console.WriteLine($"{spec.Name,-28} {Median(walls),9:0.0} {Median(cpus),9:0.0}  {Summary(rows)}");
            }
            return 0;
        }
        finally
        {
            if (owned)
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static async Task BuildAsync(LogStore store, string dir, long events)
    {
        var ndjson = Path.Combine(dir, "..", Path.GetFileName(dir) + ".corpus.ndjson");
        var tsv = Path.ChangeExtension(ndjson, ".tsv");
        try
        {
            Console.WriteLine($"generating and storing {events:N0} events...");
            new Corpus(events, 42, DateTimeOffset.UtcNow).Write(ndjson, tsv, 16 << 20);
            await using var input = File.OpenRead(ndjson);
            static EventBatch NewBatch() => new(16 * 1024, 16 * 1024 * 8, 4 * 1024 * 1024);
            await NdjsonDecoder.DecodeAsync(input, NewBatch(), new StreamFields(["host", "service"]), new NdjsonLimits { FlushEvents = 16 * 1024, MaxBodyBytes = long.MaxValue }, Timestamps.Now(),
                async (full, ct) =>
                {
                    await store.AppendAsync(full, ct);
                    return NewBatch();
                });
            // Until flushed and merged: parts and WAL unchanged for a few seconds.
            var last = store.GetStatus();
            var stable = Stopwatch.StartNew();
            while (stable.Elapsed < TimeSpan.FromSeconds(5) || last.MemtableBytes > 0)
            {
                await Task.Delay(500);
                var now = store.GetStatus();
                if (now.Parts != last.Parts || now.Rows != last.Rows || now.MemtableBytes != last.MemtableBytes)
                {
                    stable.Restart();
                }
                last = now;
            }
        }
        finally
        {
            File.Delete(ndjson);
            File.Delete(tsv);
        }
    }

    /// <summary>Blocks, and how the columns the queries read are encoded (what the fast paths depend on).</summary>
    private static string Layout(LogStore store, string[] columns)
    {
        using var snapshot = store.AcquireSnapshot();
        var blocks = snapshot.Parts.SelectMany(p => p.Reader.Blocks).ToList();
        var encodings = columns.Select(c =>
            $"{c}: " + string.Join(", ", blocks.Select(b => b.FindColumn(c)).OfType<Storage.Parts.ColumnInfo>()
                .GroupBy(i => i.Encoding).Select(g => $"{g.Key} x{g.Count()}")));
        var blooms = blocks.SelectMany(b => b.Columns).Sum(c => (long)c.BloomBytes);
        var messageBlooms = blocks.Select(b => b.FindColumn(FieldNames.Message)).OfType<Storage.Parts.ColumnInfo>().Sum(c => (long)c.BloomBytes);
        return $"{blocks.Count:N0} blocks of {blocks.Average(b => b.RowCount):0} rows on average; bloom filters {blooms / 1e6:0.0} MB ({FieldNames.Message}: {messageBlooms / 1e6:0.0} MB); "
            + string.Join("; ", encodings);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static string Summary(IReadOnlyList<IRow> rows)
    {
        var first = rows.Count == 0 || rows[0] is not ResultRow stats ? "" : string.Join(", ", stats.Columns.Select(c => $"{c.Key}={c.Value.Text}"));
        return $"{rows.Count} rows; {first}";
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
