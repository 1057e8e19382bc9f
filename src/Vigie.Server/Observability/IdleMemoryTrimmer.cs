using System.Buffers;
using System.Diagnostics;
using System.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
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
/// <para>
/// While the quiet lasts it collects again, every <see cref="IdleTrimSchedule.Again"/> for <see cref="IdleTrimSchedule.Lasting"/>, then
/// every <see cref="IdleTrimSchedule.AtRest"/>. The
/// shared array pool (<c>ArrayPool&lt;byte&gt;.Shared</c>, which the store's readers, the decoders
/// and the libraries rent from) lets go of the arrays it keeps only in full collections, and only
/// of those unused for a while (a thread's own arrays after 30 s, the per-core ones one at a time
/// after 60 s), and the arrays of thread-pool threads that retire after 20 s idle go with their
/// thread: about 5 MB after an ingest and its merges (1 MB, 512 KB and 256 KB arrays in the
/// large-object heap) that an idle server never collected, having too little left to allocate.
/// And an idle server still allocates a little (timers, the store's loops: about 20 KB/s), each
/// time into memory the last collection gave back: resident memory grew by 1.2 MB a minute, up to
/// the first generation's budget, until a collection.
/// </para>
/// <para>
/// The first trim of a quiet period also empties the shared pool (<see cref="PooledArrays"/>) rather
/// than wait its minute, and asks the kernel to reclaim the pages of the runtime's and the
/// assemblies' files touched so far (<see cref="MappedFilePages"/>): the code of start-up, of the
/// ingest and of the queries, most of which a server at rest does not run.
/// </para>
/// </summary>
internal sealed partial class IdleMemoryTrimmer(LogStore store, TrimmableMemoryPoolFactory kestrelPools, ServerMetrics metrics, ILogger<IdleMemoryTrimmer> logger)
    : BackgroundService
{
    /// <summary>The largest arrays of the shared pool emptied at the first trim (one array of each size up to it is allocated for nothing).</summary>
    private const int SharedPoolDrainMaxLength = 16 * 1024 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var clock = Stopwatch.StartNew();
        // Start-up leaves garbage of its own: the C library keeps about 15 MB of freed native
        // memory (loading assemblies, compiling methods) until asked to give it back.
        var schedule = new IdleTrimSchedule(Observe(clock));
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await NextTickAsync(timer, stoppingToken).ConfigureAwait(false))
        {
            var kind = schedule.Observe(Observe(clock));
            if (kind == IdleTrimKind.None)
            {
                if (schedule.LastBusy != IdleBusyReason.None && schedule.QuietEnded >= IdleTrimSchedule.Quiet / 2)
                {
                    LogQuietEnded(schedule.QuietEnded.TotalSeconds, schedule.LastBusy, schedule.LastCompiled, schedule.LastAllocated / 1e6);
                }
                continue;
            }
            var heapBefore = GC.GetTotalMemory(forceFullCollection: false);
            var started = Stopwatch.GetTimestamp();
            Trim(firstOfQuiet: kind == IdleTrimKind.First);
            Interlocked.Increment(ref metrics.IdleTrims);
            Interlocked.Exchange(ref metrics.IdleTrimLastUnixMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            LogTrim(kind, schedule.QuietFor.TotalSeconds, heapBefore / 1e6, GC.GetTotalMemory(forceFullCollection: false) / 1e6, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            // The trim's own allocations (the pool's drain) and compilations (its first run, its log) are not activity.
            schedule.Trimmed(GC.GetTotalAllocatedBytes(), JitInfo.GetCompiledMethodCount());
        }
    }

    private IdleObservation Observe(Stopwatch clock) => new(
        clock.Elapsed,
        Interlocked.Read(ref store.Metrics.EventsAppended) + Interlocked.Read(ref store.Metrics.Flushes) + Interlocked.Read(ref store.Metrics.Merges),
        Interlocked.Read(ref store.Metrics.MergesRunning),
        GC.GetTotalAllocatedBytes(),
        JitInfo.GetCompiledMethodCount());

    [LoggerMessage(Level = LogLevel.Debug, Message = "quiet for {QuietSeconds:0.0} s, then busy ({Reason}: {Compiled} methods compiled, {AllocatedMb:0.0} MB allocated since the last look): the idle trim waits again")]
    private partial void LogQuietEnded(double quietSeconds, IdleBusyReason reason, long compiled, double allocatedMb);

    [LoggerMessage(Level = LogLevel.Debug, Message = "idle trim ({Kind}) after {QuietSeconds:0} s quiet: managed heap {BeforeMb:0.0} -> {AfterMb:0.0} MB in {Milliseconds:0} ms")]
    private partial void LogTrim(IdleTrimKind kind, double quietSeconds, double beforeMb, double afterMb, double milliseconds);

    private void Trim(bool firstOfQuiet)
    {
        if (firstOfQuiet)
        {
            // The shared pool's arrays of the burst, which it would keep for another minute or more.
            // Once per quiet period: emptying it allocates one array of each size for nothing.
            PooledArrays.Drain(ArrayPool<byte>.Shared, SharedPoolDrainMaxLength);
        }
        // Kestrel's buffers of the burst (several MB after an ingest) go with the collection.
        kestrelPools.TrimAll();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
        if (firstOfQuiet)
        {
            // The code of start-up, of the ingest and of the query, touched once. Once per quiet
            // period: what the server runs at rest comes back from the page cache or the disk at
            // its next use, and would at every trim if paged out again.
            MappedFilePages.PageOut();
        }
    }

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
