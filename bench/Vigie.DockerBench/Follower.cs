using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Agent.Collection;
using Vigie.Agent.Docker;

namespace Vigie.DockerBench;

/// <summary>The measured process: one Docker source into a counting sink until every line is in.</summary>
internal static class Follower
{
    /// <summary>Arguments: docker host, lines expected, containers, <c>live</c> or <c>backlog</c>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var host = args[0];
        var total = long.Parse(args[1], CultureInfo.InvariantCulture);
        var containers = int.Parse(args[2], CultureInfo.InvariantCulture);
        var live = args[3] == "live";
        var sink = new CountingSink();
        var source = new DockerSource(new DockerSourceOptions { Endpoint = host }, new AgentHost("bench"), NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long followingRss = 0;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var run = Task.Run(() => source.RunAsync(sink, sink, stop.Token));
        if (live)
        {
            while (source.ContainersFollowed < containers)
            {
                await Task.Delay(20);
            }
            // Streams are open: the containers may write.
            await Task.Delay(500);
            Console.WriteLine("ready");
            followingRss = Status("VmRSS");
            allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            self.Refresh();
            cpuBefore = self.TotalProcessorTime;
            clock.Restart();
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (sink.Lines < total && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        var elapsed = clock.Elapsed;
        self.Refresh();
        var cpu = self.TotalProcessorTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        await stop.CancelAsync();
        await run;
        var ok = sink.Lines == total && sink.OutOfOrder == 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{args[3]}: {sink.Lines:N0} of {total:N0} lines in {elapsed.TotalSeconds:F2} s = {sink.Lines / elapsed.TotalSeconds:N0} lines/s; " +
            $"CPU {cpu.TotalSeconds:F2} s ({cpu / elapsed * 100:F0} % of one core, {cpu.TotalMicroseconds * 1000 / Math.Max(1, sink.Lines):F0} ns/line); " +
            $"peak RSS {Status("VmHWM") / 1024.0:F1} MB{(live ? $" (following, before the first line: {followingRss / 1024.0:F1} MB)" : "")}; " +
            $"allocated {allocated / (double)Math.Max(1, sink.Lines):F0} bytes/line; GCs {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}; out of order or duplicated: {sink.OutOfOrder}; {(ok ? "ok" : "FAILED")}"));
        return ok ? 0 : 3;
    }

    private static long Status(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(field.Length + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }
}
