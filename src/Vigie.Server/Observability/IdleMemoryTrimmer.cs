using System.Runtime;
using Microsoft.Extensions.Hosting;
using Vigie.Core.Io;
using Vigie.Storage.Store;

namespace Vigie.Server.Observability;

/// <summary>
/// Gives memory back to the machine once ingestion goes quiet: after a burst the runtime keeps the
/// heap it grew, which on a small host belongs to the services being watched. One aggressive,
/// compacting collection after a few quiet seconds releases it; it runs again only after new
/// activity. Flushes and merges count as activity: they go on after the last event arrives (a
/// merge of a large partition for tens of seconds) and leave their buffers behind them. So do
/// queries and the web UI, seen as a second in which the process allocated more than a few MB or
/// compiled methods: their garbage otherwise stays until the next collection, which the runtime
/// starts only once the first generation's budget is spent (tens of MB), and compiling code (the
/// UI's first page) leaves freed native memory the C library keeps until asked. It also runs once
/// a few seconds after start-up.
/// </summary>
internal sealed class IdleMemoryTrimmer(LogStore store, TrimmableMemoryPoolFactory kestrelPools) : BackgroundService
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    /// <summary>More allocated in one second than this is activity; a metrics scrape or a timer allocates far less.</summary>
    private const long BusyAllocationBytes = 4L * 1024 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastSeen = Activity();
        var lastAllocated = GC.GetTotalAllocatedBytes();
        var lastCompiled = JitInfo.GetCompiledMethodCount();
        var quietSince = DateTime.UtcNow;
        // Start-up leaves garbage of its own: the C library keeps about 15 MB of freed native
        // memory (loading assemblies, compiling methods) until asked to give it back.
        var trimmed = false;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await NextTickAsync(timer, stoppingToken).ConfigureAwait(false))
        {
            var now = Activity();
            var allocated = GC.GetTotalAllocatedBytes();
            var compiled = JitInfo.GetCompiledMethodCount();
            var busy = allocated - lastAllocated > BusyAllocationBytes || compiled != lastCompiled;
            lastAllocated = allocated;
            lastCompiled = compiled;
            if (now != lastSeen || busy)
            {
                lastSeen = now;
                quietSince = DateTime.UtcNow;
                trimmed = false;
                continue;
            }
            if (!trimmed && DateTime.UtcNow - quietSince >= Quiet)
            {
                // Kestrel's buffers of the burst (several MB after an ingest) go with the collection.
                kestrelPools.TrimAll();
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                NativeHeap.Trim();
                trimmed = true;
            }
        }
    }

    /// <summary>A number that changes whenever the store takes events, flushes or merges.</summary>
    private long Activity() =>
        Interlocked.Read(ref store.Metrics.EventsAppended) + Interlocked.Read(ref store.Metrics.Flushes) + Interlocked.Read(ref store.Metrics.Merges);

    /// <summary>
    /// False once the server stops, also when it stops before it ever ran (its port was taken): the
    /// host logs an exception from a background service as a crash.
    /// </summary>
    private static async ValueTask<bool> NextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
