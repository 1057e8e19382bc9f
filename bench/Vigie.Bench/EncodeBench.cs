using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Parts;

namespace Vigie.Bench;

/// <summary>
/// <c>vigie-bench encode [EVENTS] [RUNS]</c>: the column encoding of a flush, alone and repeatable. The
/// part that <c>write-path EVENTS 1 flush</c> writes (same corpus, same fixed end) is read back, every
/// block decoded once, then each of its columns is given again, RUNS times, to the column encoder
/// (picker, encoders, bloom filter, zstd), to the picker alone, to the bloom filter alone (text and IPv4
/// columns, the only ones that get one), and each stored payload to zstd alone; the times segments to the
/// times encoder. Prints the median process CPU time per event of the corpus for each, the encoder's CPU
/// and stored bytes split by the encoding it chose, and a SHA-256 of everything the encoder produced, so
/// that a change that must not alter the stored bytes can be checked in seconds.
/// </summary>
internal static class EncodeBench
{
    private const int Level = 1;

    public static async Task<int> RunAsync(string[] args)
    {
        var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300_000;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 11;
        var blocks = await WritePathBench.FlushedBlocks(events);
        var columns = blocks.Sum(b => b.Columns.Count);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"flush of {events:N0} events: {blocks.Count} blocks, {columns} columns; {Environment.ProcessorCount} cores, load average {LoadAverage()}; median of {runs} runs"));

        using var encoder = new ColumnEncoder(Level);
        using var picker = new EncodingPicker();
        using var tokens = new TokenHashes();
        using var output = new ByteBuffer(64 * 1024);

        // Warm-up (JIT, buffers), the digest and the payloads that zstd is given.
        var payloads = new List<byte[]>();
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var block in blocks)
        {
            digest.AppendData(encoder.EncodeTimes(block.Times));
            foreach (var column in block.Columns)
            {
                var encoded = encoder.Encode(column);
                digest.AppendData(encoded.Data);
                digest.AppendData(encoded.Bloom);
                var payload = SegmentEnvelope.Unwrap(encoded.Data, out var length);
                payloads.Add(payload.AsSpan(0, length).ToArray());
                SegmentEnvelope.Release(payload);
            }
        }
        // VIGIE_BENCH_PAYLOADS=DIR writes each payload to a file of its own, for zstd's own benchmark (zstd -b).
        if (Environment.GetEnvironmentVariable("VIGIE_BENCH_PAYLOADS") is { Length: > 0 } dump)
        {
            Directory.CreateDirectory(dump);
            for (var i = 0; i < payloads.Count; i++)
            {
                File.WriteAllBytes(Path.Combine(dump, i.ToString("D5", CultureInfo.InvariantCulture)), payloads[i]);
            }
        }
        // The columns by the encoding the picker chooses, to split the encoder's CPU between them.
        var byEncoding = new SortedDictionary<ColumnEncoding, List<Column>>();
        foreach (var column in blocks.SelectMany(b => b.Columns))
        {
            var encoding = picker.Analyze(column);
            if (!byEncoding.TryGetValue(encoding, out var list))
            {
                byEncoding[encoding] = list = [];
            }
            list.Add(column);
        }

        Print("column encoder", events, Median(runs, () =>
        {
            foreach (var block in blocks)
            {
                foreach (var column in block.Columns)
                {
                    encoder.Encode(column);
                }
            }
        }));
        Print("  encoding picker", events, Median(runs, () =>
        {
            foreach (var block in blocks)
            {
                foreach (var column in block.Columns)
                {
                    picker.Analyze(column);
                }
            }
        }));
        Print("  bloom filters", events, Median(runs, () =>
        {
            foreach (var block in blocks)
            {
                foreach (var column in block.Columns)
                {
                    var encoding = picker.Analyze(column);
                    if (encoding is ColumnEncoding.Raw or ColumnEncoding.Ipv4 && picker.PresentRows > 0)
                    {
                        output.Clear();
                        tokens.WriteBloom(column, output);
                    }
                }
            }
        }, baseline: () =>
        {
            foreach (var block in blocks)
            {
                foreach (var column in block.Columns)
                {
                    picker.Analyze(column);
                }
            }
        }));
        Print("  zstd of the payloads", events, Median(runs, () =>
        {
            foreach (var payload in payloads)
            {
                output.Clear();
                SegmentEnvelope.Wrap(payload, output, Level);
            }
        }));
        Print("times", events, Median(runs, () =>
        {
            foreach (var block in blocks)
            {
                encoder.EncodeTimes(block.Times);
            }
        }));

        Console.WriteLine("column encoder by the encoding chosen: columns, ns CPU per event, stored and bloom bytes per event");
        foreach (var (encoding, list) in byEncoding)
        {
            long bytes = 0;
            long bloomBytes = 0;
            foreach (var column in list)
            {
                var encoded = encoder.Encode(column);
                bytes += encoded.Data.Length;
                bloomBytes += encoded.Bloom.Length;
            }
            var cpu = Median(runs, () =>
            {
                foreach (var column in list)
                {
                    encoder.Encode(column);
                }
            });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {encoding,-12} {list.Count,6} {cpu * 1e9 / events,8:0.0} ns  {(double)bytes / events,7:0.00} B  {(double)bloomBytes / events,6:0.00} B"));
        }
        Console.WriteLine($"encoded digest: {Convert.ToHexStringLower(digest.GetHashAndReset())}");
        return 0;
    }

    /// <summary>Median CPU seconds of <paramref name="work"/> over <paramref name="runs"/> runs, less the median of <paramref name="baseline"/> if given.</summary>
    private static double Median(int runs, Action work, Action? baseline = null)
    {
        var all = new double[runs];
        var bases = new double[runs];
        for (var r = 0; r < runs; r++)
        {
            if (baseline is not null)
            {
                var b = Cpu();
                baseline();
                bases[r] = (Cpu() - b).TotalSeconds;
            }
            var cpu = Cpu();
            work();
            all[r] = (Cpu() - cpu).TotalSeconds;
        }
        Array.Sort(all);
        Array.Sort(bases);
        return all[runs / 2] - bases[runs / 2];
    }

    private static void Print(string phase, int events, double cpuSeconds) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{phase,-24} {cpuSeconds * 1e9 / events,7:0.0} ns CPU/event"));

    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

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
