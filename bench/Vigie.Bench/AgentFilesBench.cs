using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Agent.Collection;
using Vigie.Agent.Files;

namespace Vigie.Bench;

/// <summary>
/// <c>vigie-bench agent-files [FILES] [LINES]</c>: the agent's file source alone, in-process, into a sink
/// that only counts. (1) backlog: LINES lines already in FILES files, read from their start; (2) live:
/// FILES writers appending together for five seconds, with every line delivered. Lines per second of
/// wall time and per CPU-second of this process (writers included in the live run).
/// </summary>
internal static class AgentFilesBench
{
    private const int LineBytes = 120;

    public static async Task<int> RunAsync(string[] args)
    {
        var files = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
        var lines = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2_000_000;
        var dir = Directory.CreateTempSubdirectory("vigie-bench-files-").FullName;
        try
        {
            var perFile = lines / files;
            var line = Encoding.ASCII.GetBytes(new string('x', LineBytes - 1) + "\n");
            var block = Enumerable.Repeat(line, 1000).SelectMany(b => b).ToArray();
            for (var f = 0; f < files; f++)
            {
                using var stream = File.Create(Path.Combine(dir, $"backlog-{f}.log"));
                for (var written = 0; written < perFile; written += 1000)
                {
                    stream.Write(block, 0, Math.Min(1000, perFile - written) * LineBytes);
                }
            }
            var total = (long)perFile * files;
            var (wall, cpu) = await MeasureAsync(Path.Combine(dir, "backlog-*.log"), total, null);
            Console.WriteLine($"files backlog: {total:N0} lines of {LineBytes} bytes in {files} files: {total / wall:N0} lines/s, {total * LineBytes / wall / 1e6:0} MB/s, {total / cpu:N0} lines per CPU-second");

            var live = 0L;
            async Task Write(CancellationToken stop)
            {
                var writers = Enumerable.Range(0, files).Select(f => Task.Run(async () =>
                {
                    using var stream = new FileStream(Path.Combine(dir, $"live-{f}.log"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
                    while (!stop.IsCancellationRequested)
                    {
                        stream.Write(block, 0, 100 * LineBytes);
                        stream.Flush();
                        Interlocked.Add(ref live, 100);
                        await Task.Delay(1, CancellationToken.None);
                    }
                })).ToArray();
                await Task.WhenAll(writers);
            }
            var (liveWall, liveCpu) = await MeasureAsync(Path.Combine(dir, "live-*.log"), -1, Write);
            var sent = Interlocked.Read(ref live);
            Console.WriteLine($"files live: {files} writers appending together: {sent / liveWall:N0} lines/s delivered, {sent / liveCpu:N0} lines per CPU-second (writers included)");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Runs a file source until it delivered <paramref name="expected"/> lines, or all that <paramref name="write"/> wrote in 5 s.</summary>
    private static async Task<(double Wall, double Cpu)> MeasureAsync(string glob, long expected, Func<CancellationToken, Task>? write)
    {
        var sink = new CountingSink();
        var options = new FileSourceOptions { Inputs = [new FileInput(glob)] };
        var source = new FileSource(options, new AgentHost("bench"), NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var run = source.RunAsync(sink, sink, stop.Token);
        if (write is not null)
        {
            using var writing = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await write(writing.Token);
            expected = NewLines(glob);
        }
        while (sink.Count < expected)
        {
            await Task.Delay(5);
        }
        var wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        await stop.CancelAsync();
        await run;
        return (wall, cpu);
    }

    private static long NewLines(string glob) =>
        Directory.GetFiles(Path.GetDirectoryName(glob)!, Path.GetFileName(glob)).Sum(f => new FileInfo(f).Length) / LineBytes;

    private sealed class CountingSink : ILineSink, IPositionBook
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public ValueTask AppendAsync(CollectedLine line, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return ValueTask.CompletedTask;
        }

        public bool TryGet(string sourceKey, out SourcePosition position)
        {
            position = default;
            return false;
        }

        public void Forget(string sourceKey)
        {
        }
    }
}
