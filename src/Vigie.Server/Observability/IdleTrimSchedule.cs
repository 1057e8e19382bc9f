namespace Vigie.Server.Observability;

/// <summary>What the idle trim does at one look: nothing, the first trim of a quiet period, or a later one.</summary>
internal enum IdleTrimKind
{
    None,
    First,
    Again,
}

/// <summary>Why a look saw the server busy, for the trim's debug log and tests.</summary>
internal enum IdleBusyReason
{
    None,
    /// <summary>The store took events, flushed or finished a merge since the last look, or a merge is running.</summary>
    Store,
    /// <summary>The process allocated more than a metrics scrape or a timer would since the last look.</summary>
    Allocation,
    /// <summary>Methods were compiled since the last look (a query, the web UI's first page).</summary>
    Compilation,
}

/// <summary>What <see cref="IdleMemoryTrimmer"/> reads of the process at each look.</summary>
/// <param name="Elapsed">Time since the trimmer started (a monotonic clock).</param>
/// <param name="StoreActivity">A number that changes whenever the store takes events, flushes or finishes a merge.</param>
/// <param name="MergesRunning">Background merges running now.</param>
/// <param name="AllocatedBytes">Bytes the process allocated on the managed heap so far.</param>
/// <param name="CompiledMethods">Methods compiled so far.</param>
internal readonly record struct IdleObservation(TimeSpan Elapsed, long StoreActivity, long MergesRunning, long AllocatedBytes, long CompiledMethods);

/// <summary>
/// Decides, from one observation a second or so, when the server is quiet and when to trim: the first
/// trim <see cref="Quiet"/> after the last activity, then every <see cref="Again"/> for
/// <see cref="Lasting"/>, then every <see cref="AtRest"/>. Kept apart from the trimming so that the
/// decisions can be tested on made-up observations.
/// <para>
/// Busy is: the store's work (events, flushes, a merge finished or running: a merge that copies
/// large blocks as stored allocates little for tens of seconds, and what it leaves is the trim's to
/// collect), compiling more than <see cref="BusyMethodsPerSecond"/> methods or allocating more than
/// <see cref="BusyBytesPerSecond"/> on average since the last look. Allocation is a rate over the time actually elapsed, not a count per look: on
/// a loaded machine the timer's ticks come late, and several seconds of a quiet server's allocations
/// (timers, the store's loops, metrics scrapes) must not add up to activity; nor may the odd method
/// compiled at rest. Nor do the trim's own allocations and compilations: <see cref="Trimmed"/> takes
/// them as the new baseline.
/// </para>
/// </summary>
internal sealed class IdleTrimSchedule
{
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    /// <summary>The shared pool drops one array per size and core per full collection once they have waited 60 s: one collection every 15 s drains it.</summary>
    public static readonly TimeSpan Again = TimeSpan.FromSeconds(15);

    /// <summary>Long enough for the pool's 60 s plus a few of its arrays per size; each collection of an idle heap takes milliseconds.</summary>
    public static readonly TimeSpan Lasting = TimeSpan.FromMinutes(3);

    /// <summary>Then: about 1 MB allocated at rest between two collections, for a few milliseconds of CPU a minute.</summary>
    public static readonly TimeSpan AtRest = TimeSpan.FromMinutes(1);

    /// <summary>
    /// More allocated than this per second on average is activity. A server at rest allocates about
    /// 20 KB/s, a <c>/metrics</c> scrape a few tens of KB; a query or an ingest request, megabytes.
    /// </summary>
    public const long BusyBytesPerSecond = 4L * 1024 * 1024;

    /// <summary>
    /// More methods compiled than this per second on average is activity: a query's first run compiles
    /// about a hundred, the web UI's first page thousands. A few are not: a server at rest compiles
    /// one now and then (a path of a request or of a timer run for the first time, a finalizer, the
    /// trim's own log), and when each such method restarted the wait, a loaded machine could go on
    /// compiling one every few seconds after an ingest and the trim did not come.
    /// </summary>
    public const int BusyMethodsPerSecond = 16;

    private IdleObservation _last;
    private TimeSpan _quietSince;
    private TimeSpan _nextTrim;

    /// <summary>Starts from the process's state at start-up; the first trim comes <see cref="Quiet"/> after it if nothing happens (start-up's own garbage).</summary>
    public IdleTrimSchedule(IdleObservation start)
    {
        _last = start;
        _quietSince = start.Elapsed;
        _nextTrim = Quiet;
    }

    /// <summary>Why the last look was busy, <see cref="IdleBusyReason.None"/> if it was quiet.</summary>
    public IdleBusyReason LastBusy { get; private set; }

    /// <summary>Methods compiled since the look before the last.</summary>
    public long LastCompiled { get; private set; }

    /// <summary>Bytes allocated since the look before the last.</summary>
    public long LastAllocated { get; private set; }

    /// <summary>How long the server has been quiet as of the last look.</summary>
    public TimeSpan QuietFor { get; private set; }

    /// <summary>When the last look was busy: how long the quiet it ended had lasted (zero if the look before was busy too).</summary>
    public TimeSpan QuietEnded { get; private set; }

    /// <summary>Takes one observation and says whether to trim now.</summary>
    public IdleTrimKind Observe(IdleObservation now)
    {
        LastBusy = BusyReason(_last, now);
        LastCompiled = now.CompiledMethods - _last.CompiledMethods;
        LastAllocated = now.AllocatedBytes - _last.AllocatedBytes;
        _last = now;
        if (LastBusy != IdleBusyReason.None)
        {
            QuietEnded = now.Elapsed - _quietSince;
            _quietSince = now.Elapsed;
            _nextTrim = Quiet;
            QuietFor = TimeSpan.Zero;
            return IdleTrimKind.None;
        }
        QuietEnded = TimeSpan.Zero;
        QuietFor = now.Elapsed - _quietSince;
        if (QuietFor < _nextTrim)
        {
            return IdleTrimKind.None;
        }
        var kind = _nextTrim == Quiet ? IdleTrimKind.First : IdleTrimKind.Again;
        _nextTrim = QuietFor + (QuietFor < Lasting ? Again : AtRest);
        return kind;
    }

    /// <summary>After a trim: what it allocated and compiled is not activity.</summary>
    public void Trimmed(long allocatedBytes, long compiledMethods) =>
        _last = _last with { AllocatedBytes = allocatedBytes, CompiledMethods = compiledMethods };

    private static IdleBusyReason BusyReason(IdleObservation before, IdleObservation now)
    {
        if (now.StoreActivity != before.StoreActivity || now.MergesRunning > 0)
        {
            return IdleBusyReason.Store;
        }
        // At least one second: a look that comes early must not turn a scrape into a burst.
        var seconds = Math.Max(1.0, (now.Elapsed - before.Elapsed).TotalSeconds);
        if (now.CompiledMethods - before.CompiledMethods > BusyMethodsPerSecond * seconds)
        {
            return IdleBusyReason.Compilation;
        }
        return now.AllocatedBytes - before.AllocatedBytes > BusyBytesPerSecond * seconds ? IdleBusyReason.Allocation : IdleBusyReason.None;
    }
}
