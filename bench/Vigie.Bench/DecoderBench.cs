using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Vigie.Core;
using Vigie.Ingestion.Elasticsearch;
using Vigie.Ingestion.Otlp;
using Vigie.Ingestion.Protocols;

namespace Vigie.Bench;

/// <summary>
/// <c>vigie-bench decoders</c>: the OTLP and Elasticsearch bulk decoders alone, in this process, on the
/// request bodies of <c>vigie-bench protocols</c>: CPU time and bytes allocated per event (the batch is reused: what is
/// counted is the decoder's own), which the
/// machine's load affects far less than a server's events per second.
/// </summary>
internal static class DecoderBench
{
    public const string Usage = """
        usage: vigie-bench decoders [options]

        Measures CPU time and allocations per event of the OTLP and Elasticsearch bulk decoders,
        in process, on the bodies vigie-bench protocols sends.

          --seconds N        measuring time per decoder (default 5)
          --batch N          events per request body (default 2000)
          --only NAME        one decoder: otlp-protobuf, otlp-json, bulk, bulk-answer
        """;

    private static readonly StreamFields OtlpStreams = StreamFields.Parse("service,host");
    private static readonly StreamFields BulkStreams = StreamFields.Parse("_index,host.name,service.name");

    public static int Run(string[] args)
    {
        double seconds = 5;
        var batchSize = 2000;
        string? only = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--seconds": seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--batch": batchSize = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--only": only = Next(); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        var otlp = Enumerable.Range(0, 16).Select(s => ProtocolBench.OtlpBody(batchSize, s)).ToArray();
        var otlpJson = Enumerable.Range(0, 16).Select(s => ProtocolBench.OtlpJsonBody(batchSize, s)).ToArray();
        var bulk = Enumerable.Range(0, 16).Select(s => ProtocolBench.BulkBody(batchSize, s)).ToArray();
        var answer = new ArrayBufferWriter<byte>(1 << 20);
        var cases = new (string Name, byte[][] Bodies, Func<byte[], int> Decode)[]
        {
            ("otlp-protobuf", otlp, body => DecodeOtlp(body, json: false)),
            ("otlp-json", otlpJson, body => DecodeOtlp(body, json: true)),
            ("bulk", bulk, body => DecodeBulk(body, null)),
            ("bulk-answer", bulk, body => DecodeBulk(body, answer)),
        };
        Console.WriteLine($"{batchSize} events per body, {seconds:0.#} s per decoder, load average {LoadAverage()}");
        Console.WriteLine("decoder          events  CPU ns/event  wall ns/event  alloc B/event  body B/event");
        foreach (var (name, bodies, decode) in cases)
        {
            if (only is not null && only != name)
            {
                continue;
            }
            // Warm-up: JIT (all tiers) and the decoders' caches.
            var warm = Stopwatch.StartNew();
            for (var n = 0; warm.Elapsed.TotalSeconds < Math.Min(2, seconds); n++)
            {
                decode(bodies[n % bodies.Length]);
            }
            GC.Collect();
            var process = Process.GetCurrentProcess();
            var cpu0 = process.TotalProcessorTime;
            var alloc0 = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            long events = 0;
            for (var n = 0; clock.Elapsed.TotalSeconds < seconds; n++)
            {
                events += decode(bodies[n % bodies.Length]);
            }
            var wall = clock.Elapsed;
            var alloc = GC.GetAllocatedBytesForCurrentThread() - alloc0;
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpu0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-14} {events,9:N0} {cpu.TotalNanoseconds / events,13:N0} {wall.TotalNanoseconds / events,14:N0} {(double)alloc / events,14:N0} {bodies[0].Length / batchSize,13:N0}"));
        }
        return 0;
    }

    private static int DecodeOtlp(byte[] body, bool json)
    {
        var batch = Batch(body.Length * 2);
        var report = new DecodeReport();
        OtlpLogsDecoder.Decode(body, json, batch, OtlpStreams, Timestamps.Now(), report);
        return batch.Count;
    }

    private static int DecodeBulk(byte[] body, ArrayBufferWriter<byte>? answer)
    {
        var batch = Batch(body.Length);
        var items = new List<BulkItem>(body.AsSpan().Count((byte)'\n') / 2 + 1);
        var report = new DecodeReport();
        var started = Stopwatch.GetTimestamp();
        new BulkDecoder(BulkStreams, Timestamps.Now()).Decode(body, null, batch, items, report);
        if (answer is not null)
        {
            answer.ResetWrittenCount();
            BulkAnswer.Write(answer, items, report.Rejected > 0, 0, started);
        }
        return batch.Count;
    }

    private static EventBatch? s_batch;

    /// <summary>
    /// One batch, emptied for each body: the server makes a new one per request (the store keeps it),
    /// which costs the same whatever the decoder; reusing it here leaves the decoder's own allocations.
    /// </summary>
    private static EventBatch Batch(int valueBytes)
    {
        s_batch ??= new EventBatch(valueBytes / 100, valueBytes / 100 * 12, valueBytes);
        s_batch.Clear();
        return s_batch;
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
