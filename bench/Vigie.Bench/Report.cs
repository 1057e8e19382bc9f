using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Vigie.Bench;

internal static class Report
{
    private const double Mb = 1e6;

    // Ratios against a peer that did not run are infinite or NaN: written as "Infinity"/"NaN", not an error.
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static string? FindRepoRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "Vigie.slnx")))
                {
                    return d.FullName;
                }
            }
        }
        return null;
    }

    public static Dictionary<string, string> Machine(string repo)
    {
        var m = new Dictionary<string, string>
        {
            ["cores"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
            ["os"] = RuntimeInformation.OSDescription,
            [".net"] = RuntimeInformation.FrameworkDescription,
        };
        try
        {
            var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (model is not null)
            {
                m["cpu"] = model[(model.IndexOf(':') + 1)..].Trim();
            }
            var mem = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            m["memory"] = $"{long.Parse(mem.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024 / 1024} GB";
        }
        catch (IOException)
        {
        }
        try
        {
            var psi = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = repo };
            psi.ArgumentList.Add("rev-parse");
            psi.ArgumentList.Add("--short");
            psi.ArgumentList.Add("HEAD");
            using var p = Process.Start(psi)!;
            m["commit"] = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        return m;
    }

    public static void Build(BenchReport r)
    {
        var v = r.Vigie!;
        var c = r.ClickHouse;
        void Add(string figure, double vigie, double? ch, bool higherIsBetter)
        {
            r.Table.Add(new Row
            {
                Figure = figure,
                Vigie = Math.Round(vigie, 2),
                ClickHouse = Math.Round(ch ?? double.NaN, 2),
                Ratio = ch is { } x && x != 0 ? Math.Round(vigie / x, 3) : double.NaN,
                Better = higherIsBetter ? "higher" : "lower",
            });
        }
        Add("ingest, events/s", v.IngestEventsPerSecond, c?.IngestEventsPerSecond, true);
        Add("disk, bytes/event", v.DiskBytesPerEvent, c?.DiskBytesPerEvent, false);
        Add("parts after settling", v.Parts, c?.Parts, false);
        Add("peak RSS ingesting, MB", v.PeakRssIngestBytes / Mb, c?.PeakRssIngestBytes / Mb, false);
        Add("RSS idle after settling, MB", v.IdleRssBytes / Mb, c?.IdleRssBytes / Mb, false);
        Add("peak RSS during queries, MB", v.PeakRssQueriesBytes / Mb, c?.PeakRssQueriesBytes / Mb, false);
        Add("server CPU s, ingest", v.CpuSecondsIngest, c?.CpuSecondsIngest, false);
        foreach (var q in v.Queries)
        {
            Add($"query ms: {q.Name}", q.MedianMs, c?.Queries.First(x => x.Name == q.Name).MedianMs, false);
        }

        foreach (var s in new[] { v, c })
        {
            foreach (var q in s?.Queries ?? [])
            {
                if (q.MismatchWithGenerator is not null)
                {
                    r.AnswerMismatches.Add($"{s!.Name}, {q.Name}: {q.MismatchWithGenerator}");
                }
            }
        }
        if (c is not null)
        {
            foreach (var spec in QuerySpec.Mix)
            {
                var diff = Answers.Compare(Answers.Last[("ClickHouse", spec.Name)], Answers.Last[("Vigie", spec.Name)], spec.Approximate);
                if (diff is not null)
                {
                    r.AnswerMismatches.Add($"Vigie vs ClickHouse, {spec.Name}: {diff}");
                }
            }
        }

        var at = r.Events >= 10_000_000 ? "" : $" (measured at {r.Events:N0} events)";
        r.Targets.Add(new Target { Name = "ingest >= 1,000,000 events/s over HTTP", Measured = $"{v.IngestEventsPerSecond:N0} events/s", Met = v.IngestEventsPerSecond >= 1_000_000 });
        RSS(r, v);
        if (c is null)
        {
            return;
        }
        double Ms(SystemResult s, string name) => s.Queries.First(q => q.Name == name).MedianMs;
        var ingestRatio = v.IngestEventsPerSecond / c.IngestEventsPerSecond;
        r.Targets.Insert(1, new Target { Name = "ingest >= 2x ClickHouse's rate", Measured = $"{ingestRatio:0.00}x", Met = ingestRatio >= 2 });
        r.Targets.Insert(2, new Target { Name = "fewer bytes/event than ClickHouse", Measured = $"{v.DiskBytesPerEvent:0.0} vs {c.DiskBytesPerEvent:0.0}", Met = v.DiskBytesPerEvent < c.DiskBytesPerEvent });
        r.Targets.Insert(3, new Target { Name = "aim: <= 20 bytes/event", Measured = $"{v.DiskBytesPerEvent:0.0}", Met = v.DiskBytesPerEvent <= 20 });
        var rare = Ms(c, "rare word") / Ms(v, "rare word");
        r.Targets.Insert(4, new Target { Name = "rare word >= 5x faster than ClickHouse over 10M events" + at, Measured = $"{rare:0.00}x faster", Met = rare >= 5 });
        foreach (var name in new[] { "filter + stats by host", "stats by service (all)" })
        {
            var ratio = Ms(v, name) / Ms(c, name);
            r.Targets.Insert(5, new Target { Name = $"{name} within 2x of ClickHouse", Measured = $"{ratio:0.00}x ClickHouse's time", Met = ratio <= 2 });
        }
    }

    private static void RSS(BenchReport r, SystemResult v)
    {
        r.Targets.Add(new Target { Name = "RSS < 300 MB ingesting", Measured = $"{v.PeakRssIngestBytes / Mb:0} MB", Met = v.PeakRssIngestBytes < 300 * Mb });
        r.Targets.Add(new Target { Name = "RSS < 80 MB idle", Measured = $"{v.IdleRssBytes / Mb:0} MB", Met = v.IdleRssBytes < 80 * Mb });
    }

    public static string Render(BenchReport r)
    {
        var sb = new StringBuilder();
        var v = r.Vigie!;
        var c = r.ClickHouse;
        sb.AppendLine(CultureInfo.InvariantCulture, $"{r.Events:N0} events, {r.NdjsonBytesPerEvent:0} B/event of NDJSON, {r.Concurrency} requests in flight of {r.BodyMegabytes} MB, median of {r.QueryRuns} runs per query");
        sb.AppendLine(CultureInfo.InvariantCulture, $"machine: {string.Join(", ", r.Machine.Select(kv => $"{kv.Key} {kv.Value}"))}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Vigie {v.Version}: ingest as {v.IngestFormat} ({string.Join(", ", v.IngestEventsPerSecondByEncoding.Select(kv => $"{kv.Key} {kv.Value:N0}/s"))})");
        if (c is not null)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"ClickHouse {c.Version}: ingest as {c.IngestFormat}");
        }
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"| {"figure",-40} | {"Vigie",12} | {"ClickHouse",12} | {"Vigie/CH",9} | better |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"|{new string('-', 42)}|{new string('-', 14)}|{new string('-', 14)}|{new string('-', 11)}|--------|");
        foreach (var row in r.Table)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {row.Figure,-40} | {Num(row.Vigie),12} | {Num(row.ClickHouse),12} | {(double.IsNaN(row.Ratio) ? "-" : row.Ratio.ToString("0.00", CultureInfo.InvariantCulture)),9} | {row.Better,-6} |");
        }
        sb.AppendLine();
        sb.AppendLine("| target | measured | met |");
        sb.AppendLine("|---|---|---|");
        foreach (var t in r.Targets)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {t.Name} | {t.Measured} | {(t.Met ? "met" : "NOT met")} |");
        }
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"time after the last acknowledgement until every event was queryable: Vigie {v.CatchUpSeconds:0.00} s (ClickHouse: at acknowledgement)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"server CPU s: ingest Vigie {v.CpuSecondsIngest:0.0} / ClickHouse {c?.CpuSecondsIngest:0.0}; catch-up+settle Vigie {v.CpuSecondsCatchUpAndSettle:0.0} / ClickHouse {c?.CpuSecondsCatchUpAndSettle:0.0}; query mix Vigie {v.CpuSecondsQueries:0.0} / ClickHouse {c?.CpuSecondsQueries:0.0}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"client CPU s during ingest: Vigie run {v.ClientCpuSecondsIngest:0.0}, ClickHouse run {c?.ClientCpuSecondsIngest:0.0}");
        foreach (var n in v.Notes)
        {
            sb.AppendLine("Vigie: " + n);
        }
        foreach (var n in c?.Notes ?? [])
        {
            sb.AppendLine("ClickHouse: " + n);
        }
        sb.AppendLine(r.AnswerMismatches.Count == 0
            ? "answers: Vigie, ClickHouse and the generator agree on every query"
            : "ANSWERS DIFFER:\n  " + string.Join("\n  ", r.AnswerMismatches));
        return sb.ToString();
    }

    private static string Num(double d) => double.IsNaN(d) ? "-" : d.ToString(Math.Abs(d) >= 1000 ? "N0" : "0.##", CultureInfo.InvariantCulture);
}
