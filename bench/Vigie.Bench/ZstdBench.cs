using System.Diagnostics;
using System.Globalization;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Parts;

namespace Vigie.Bench;

/// <summary>
/// <c>vigie-bench zstd [EVENTS] [RUNS] [LEVEL...]</c>: where zstd's share of the flush goes. The part that
/// <c>write-path EVENTS 1 flush</c> writes is read back and its blocks encoded as the flush encodes them
/// (the message column as a template over the block's other columns, times included); every payload
/// given to the segment envelope is kept, then the payloads are wrapped again in the flush's order,
/// RUNS passes. Each payload's time is the least wall-clock time of its call over the passes (the
/// passes are alike, so the least is the call without the machine's interruptions); the total is also
/// given as the median process CPU time of a pass. Printed by column and encoding, then by payload
/// size: payloads, bytes given to zstd and stored per event, the stored/given ratio, how many zstd
/// did not shrink enough to store compressed, and ns per event. Further levels (e.g. -1 -3) print
/// their totals and columns, to compare with the first.
/// </summary>
internal static class ZstdBench
{
    private readonly record struct Payload(string Group, byte[] Bytes);

    public static async Task<int> RunAsync(string[] args)
    {
        var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300_000;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 11;
        var levels = args.Length > 2 ? args[2..].Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [1];
        var blocks = await WritePathBench.FlushedBlocks(events);

        var payloads = new List<Payload>();
        using (var encoder = new ColumnEncoder(1))
        {
            foreach (var block in blocks)
            {
                // Packed times are stored without trying zstd (EncodeTimes): only the times zstd was given count.
                var times = encoder.EncodeTimes(block.Times);
                if (!times.IsEmpty && times[0] == (byte)PartFormat.SegmentCodec.Zstd)
                {
                    Keep(payloads, "times", times);
                }
                for (var i = 0; i < block.Columns.Count; i++)
                {
                    var encoded = encoder.Encode(block.Columns[i], block.Columns, i);
                    Keep(payloads, $"{encoded.Encoding} {block.Columns[i].Name}", encoded.Data);
                }
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"flush of {events:N0} events: {blocks.Count} blocks, {payloads.Count} payloads; {Environment.ProcessorCount} cores, load average {LoadAverage()}; {runs} passes"));

        // VIGIE_BENCH_PAYLOADS=DIR also writes each payload to a file named by its place and column, for zstd's own tools.
        if (Environment.GetEnvironmentVariable("VIGIE_BENCH_PAYLOADS") is { Length: > 0 } dump)
        {
            Directory.CreateDirectory(dump);
            for (var i = 0; i < payloads.Count; i++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"{i:D5}_{payloads[i].Group.Replace(' ', '_').Replace('/', '_')}");
                File.WriteAllBytes(Path.Combine(dump, name), payloads[i].Bytes);
            }
        }
        foreach (var level in levels)
        {
            var (nanos, stored, cpu) = Passes(payloads, level, runs);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"level {level}: given {payloads.Sum(p => (long)p.Bytes.Length) / (double)events:0.00} B/event, stored {stored.Sum() / (double)events:0.00} B/event, {nanos.Sum() / events:0.0} ns/event (least per call), {cpu * 1e9 / events:0.0} ns CPU/event (median pass)"));
            Table("by column and encoding", payloads.Select(p => p.Group).Distinct().Order(StringComparer.Ordinal).ToList(), p => p.Group, payloads, nanos, stored, events);
            if (level != levels[0])
            {
                continue;
            }
            Table("by payload size", SizeClasses.Select(c => c.Name).ToList(), p => SizeClass(p.Bytes.Length), payloads, nanos, stored, events);
        }
        return 0;
    }

    private static readonly (string Name, int Below)[] SizeClasses =
        [("< 64 B", 64), ("< 256 B", 256), ("< 1 KiB", 1024), ("< 4 KiB", 4096), ("< 16 KiB", 16384), ("< 64 KiB", 65536), (">= 64 KiB", int.MaxValue)];

    private static string SizeClass(int length) => SizeClasses.First(c => length < c.Below).Name;

    private static void Keep(List<Payload> payloads, string group, ReadOnlySpan<byte> stored)
    {
        if (stored.IsEmpty)
        {
            return;
        }
        var payload = SegmentEnvelope.Unwrap(stored, out var length);
        payloads.Add(new Payload(group, payload.AsSpan(0, length).ToArray()));
        SegmentEnvelope.Release(payload);
    }

    /// <summary>Each payload's least time in ns over <paramref name="runs"/> passes, its stored length, and the median CPU seconds of a pass.</summary>
    private static (double[] Nanos, long[] Stored, double Cpu) Passes(List<Payload> payloads, int level, int runs)
    {
        using var output = new ByteBuffer(64 * 1024);
        var nanos = new double[payloads.Count];
        Array.Fill(nanos, double.MaxValue);
        var stored = new long[payloads.Count];
        var cpus = new double[runs];
        for (var r = 0; r < runs; r++)
        {
            var cpu = Environment.CpuUsage.TotalTime;
            for (var i = 0; i < payloads.Count; i++)
            {
                output.Clear();
                var start = Stopwatch.GetTimestamp();
                SegmentEnvelope.Wrap(payloads[i].Bytes, output, level);
                var elapsed = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
                nanos[i] = Math.Min(nanos[i], elapsed);
                stored[i] = output.Length;
            }
            cpus[r] = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
        }
        Array.Sort(cpus);
        return (nanos, stored, cpus[runs / 2]);
    }

    private static void Table(string title, List<string> groups, Func<Payload, string> groupOf, List<Payload> payloads, double[] nanos, long[] stored, int events)
    {
        Console.WriteLine($"  {title}: payloads, given and stored B/event, stored/given, stored uncompressed, ns/event");
        foreach (var group in groups)
        {
            var count = 0;
            long given = 0, kept = 0;
            var raw = 0;
            double ns = 0;
            for (var i = 0; i < payloads.Count; i++)
            {
                if (groupOf(payloads[i]) != group)
                {
                    continue;
                }
                count++;
                given += payloads[i].Bytes.Length;
                kept += stored[i];
                ns += nanos[i];
                // The codec byte says whether zstd's frame was kept.
                raw += stored[i] == payloads[i].Bytes.Length + 1 ? 1 : 0;
            }
            if (count == 0)
            {
                continue;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {group,-28} {count,5} {given / (double)events,7:0.00} {kept / (double)events,7:0.00} {kept / (double)given,6:0.000} {raw,5} {ns / events,7:0.0}"));
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
}
