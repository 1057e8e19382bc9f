using FsCheck;
using FsCheck.Fluent;
using Vigie.Server.Observability;

namespace Vigie.Server.Tests;

/// <summary>When the idle trim runs, on made-up looks at a server.</summary>
public sealed class IdleTrimScheduleTests
{
    /// <summary>What happens between two looks, and how late the look comes.</summary>
    private sealed record Step(int DelayMs, bool Events, bool MergeFinished, bool MergeRunning, long Allocated, int Compiled)
    {
        public bool Busy(TimeSpan elapsed) =>
            Events || MergeFinished || MergeRunning
            || Compiled > IdleTrimSchedule.BusyMethodsPerSecond * Math.Max(1.0, elapsed.TotalSeconds)
            || Allocated > IdleTrimSchedule.BusyBytesPerSecond * Math.Max(1.0, elapsed.TotalSeconds);
    }

    /// <summary>
    /// Mostly quiet seconds as a server at rest has them: a timer's or a metrics scrape's allocations
    /// (tens of KB), looks that come late on a loaded machine (up to 4 s); now and then a burst of
    /// events, a merge (finished, or running while allocating little), a query (compiles, allocates),
    /// a few methods compiled at rest (a request's or a finalizer's path run for the first time).
    /// </summary>
    private static readonly Gen<Step> Steps =
        from delay in Gen.Frequency((8, Gen.Choose(900, 1100)), (1, Gen.Choose(100, 4000)))
        from kind in Gen.Frequency((30, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)), (1, Gen.Constant(3)), (1, Gen.Constant(4)), (1, Gen.Constant(5)), (3, Gen.Constant(6)))
        from small in Gen.Choose(0, 200_000)
        from large in Gen.Choose(5, 400)
        from methods in Gen.Choose(1, 80)
        select kind switch
        {
            1 => new Step(delay, Events: true, false, false, small, 0),
            2 => new Step(delay, false, MergeFinished: true, false, small, 0),
            3 => new Step(delay, false, false, MergeRunning: true, small, 0),
            4 => new Step(delay, false, false, false, Allocated: large * 1024L * 1024, 0),
            5 => new Step(delay, false, false, false, small, Compiled: methods * 10),
            6 => new Step(delay, false, false, false, small, Compiled: methods / 4),
            _ => new Step(delay, false, false, false, small, 0),
        };

    private static readonly Gen<Step[]> Runs = from n in Gen.Choose(0, 600) from steps in Steps.ArrayOf(n) select steps;

    /// <summary>The trims the schedule asks for, with the time of each and whether the step before it was busy.</summary>
    private static List<(TimeSpan At, IdleTrimKind Kind)> Play(Step[] steps)
    {
        var elapsed = TimeSpan.Zero;
        long activity = 0, allocated = 1_000_000, compiled = 5_000;
        var schedule = new IdleTrimSchedule(new IdleObservation(elapsed, activity, 0, allocated, compiled));
        var trims = new List<(TimeSpan, IdleTrimKind)>();
        foreach (var s in steps)
        {
            elapsed += TimeSpan.FromMilliseconds(s.DelayMs);
            activity += (s.Events ? 1000 : 0) + (s.MergeFinished ? 1 : 0);
            allocated += s.Allocated;
            compiled += s.Compiled;
            var kind = schedule.Observe(new IdleObservation(elapsed, activity, s.MergeRunning ? 1 : 0, allocated, compiled));
            if (kind != IdleTrimKind.None)
            {
                trims.Add((elapsed, kind));
                // The trim allocates (the pool's drain) and, the first time, compiles.
                allocated += 32L * 1024 * 1024;
                compiled += 40;
                schedule.Trimmed(allocated, compiled);
            }
        }
        return trims;
    }

    /// <summary>
    /// The reference: the server is quiet since the last busy look (or the start); the first trim of
    /// a quiet period comes at the first look at least <see cref="IdleTrimSchedule.Quiet"/> into it,
    /// each later one at the first look at least <see cref="IdleTrimSchedule.Again"/> after the last
    /// (<see cref="IdleTrimSchedule.AtRest"/> once the quiet has lasted <see cref="IdleTrimSchedule.Lasting"/>).
    /// </summary>
    private static List<(TimeSpan At, IdleTrimKind Kind)> Reference(Step[] steps)
    {
        var trims = new List<(TimeSpan, IdleTrimKind)>();
        var elapsed = TimeSpan.Zero;
        var quietSince = TimeSpan.Zero;
        TimeSpan? due = IdleTrimSchedule.Quiet;
        var first = true;
        foreach (var s in steps)
        {
            var before = elapsed;
            elapsed += TimeSpan.FromMilliseconds(s.DelayMs);
            if (s.Busy(elapsed - before))
            {
                quietSince = elapsed;
                due = IdleTrimSchedule.Quiet;
                first = true;
                continue;
            }
            var quiet = elapsed - quietSince;
            if (quiet >= due)
            {
                trims.Add((elapsed, first ? IdleTrimKind.First : IdleTrimKind.Again));
                first = false;
                due = quiet + (quiet < IdleTrimSchedule.Lasting ? IdleTrimSchedule.Again : IdleTrimSchedule.AtRest);
            }
        }
        return trims;
    }

    [Fact]
    public void Observe_AnyLooks_TrimsAsTheReferenceSays()
    {
        Prop.ForAll(Runs.ToArbitrary(), steps => Assert.Equal(Reference(steps), Play(steps))).QuickCheckThrowOnFailure();
    }

    /// <summary>
    /// A quiet server trims: 6 s without activity after any activity always end in a first trim,
    /// whatever scrapes, timers, a few methods compiled now and then and looks of irregular intervals
    /// did meanwhile.
    /// </summary>
    [Fact]
    public void Observe_SixQuietSecondsAfterAnything_FirstTrim()
    {
        var quiet = from n in Gen.Choose(6, 40)
                    from delays in Gen.Choose(200, 1000).ArrayOf(n)
                    from allocations in Gen.Choose(0, 500_000).ArrayOf(n)
                    from methods in Gen.Frequency((4, Gen.Constant(0)), (1, Gen.Choose(1, 16))).ArrayOf(n)
                    select delays.Select((d, i) => new Step(d, false, false, false, allocations[i], methods[i])).ToArray();
        var cases = from before in Runs from after in quiet select (before, after);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            Step[] busy = [new Step(1000, Events: true, false, false, 0, 0)];
            var steps = c.before.Concat(busy).Concat(c.after).ToArray();
            var quietStart = TimeSpan.FromMilliseconds(c.before.Sum(s => s.DelayMs) + 1000);
            var quietFor = TimeSpan.FromMilliseconds(c.after.Sum(s => s.DelayMs));
            var trims = Play(steps);
            if (quietFor >= IdleTrimSchedule.Quiet + TimeSpan.FromSeconds(1))
            {
                Assert.Contains(trims, t => t.At > quietStart && t.Kind == IdleTrimKind.First);
            }
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>The bench's polling (a scrape every 500 ms) and Prometheus's (every 15 s) are quiet; the trim's own drain is too.</summary>
    [Theory]
    [InlineData(500, 60_000)]
    [InlineData(1000, 30_000)]
    [InlineData(15_000, 40_000)]
    public void Observe_ScrapesOnly_FirstTrimAfterQuietThenAgain(int scrapeEveryMs, int scrapeBytes)
    {
        var steps = new List<Step>();
        for (var t = 0; t < 400_000; t += 1000)
        {
            var scrapes = (t + 1000) / scrapeEveryMs - t / scrapeEveryMs;
            steps.Add(new Step(1000, false, false, false, 20_000 + (scrapes * scrapeBytes), scrapes > 0 && t % 7000 == 0 ? 3 : 0));
        }
        var trims = Play([new Step(1000, Events: true, false, false, 300L << 20, 500), .. steps]);
        Assert.Equal(IdleTrimKind.First, trims[0].Kind);
        Assert.Equal(TimeSpan.FromSeconds(6), trims[0].At);
        Assert.All(trims.Skip(1), t => Assert.Equal(IdleTrimKind.Again, t.Kind));
        Assert.Equal(TimeSpan.FromSeconds(21), trims[1].At);
    }

    /// <summary>
    /// What kept a server from trimming for the benchmark's 10 s after an ingest on a loaded machine: a
    /// method or a few compiled every few seconds, each of which restarted the wait.
    /// </summary>
    [Fact]
    public void Observe_AFewMethodsCompiledEveryFewSecondsAfterAnIngest_TrimsAnyway()
    {
        var after = Enumerable.Range(0, 12).Select(i => new Step(1000, false, false, false, 300_000, i % 3 == 0 ? 4 : 0));
        var trims = Play([new Step(1000, Events: true, false, false, 200L << 20, 300), .. after]);
        Assert.Equal((TimeSpan.FromSeconds(6), IdleTrimKind.First), trims[0]);
    }

    [Fact]
    public void Observe_MergeRunningWhileAllocatingLittle_NoTrimUntilItEnds()
    {
        var running = Enumerable.Repeat(new Step(1000, false, false, MergeRunning: true, 100_000, 0), 30);
        var after = Enumerable.Repeat(new Step(1000, false, false, false, 20_000, 0), 10);
        var trims = Play([new Step(1000, Events: true, false, false, 0, 0), .. running, new Step(1000, false, MergeFinished: true, false, 0, 0), .. after]);
        Assert.Equal([(TimeSpan.FromSeconds(37), IdleTrimKind.First)], trims);
    }

    [Fact]
    public void Observe_BusyAfterQuiet_SaysWhyAndHowLongTheQuietLasted()
    {
        var schedule = new IdleTrimSchedule(new IdleObservation(TimeSpan.Zero, 0, 0, 0, 0));
        Assert.Equal(IdleTrimKind.None, schedule.Observe(new IdleObservation(TimeSpan.FromSeconds(1), 0, 0, 10_000, 0)));
        Assert.Equal(IdleBusyReason.None, schedule.LastBusy);
        Assert.Equal(IdleTrimKind.None, schedule.Observe(new IdleObservation(TimeSpan.FromSeconds(3), 0, 0, 12L << 20, 0)));
        Assert.Equal(IdleBusyReason.Allocation, schedule.LastBusy);
        Assert.Equal(TimeSpan.FromSeconds(3), schedule.QuietEnded);
        Assert.Equal(IdleTrimKind.None, schedule.Observe(new IdleObservation(TimeSpan.FromSeconds(4), 0, 0, 12L << 20, 5)));
        Assert.Equal(IdleBusyReason.None, schedule.LastBusy);
        Assert.Equal(IdleTrimKind.None, schedule.Observe(new IdleObservation(TimeSpan.FromSeconds(5), 0, 0, 12L << 20, 105)));
        Assert.Equal(IdleBusyReason.Compilation, schedule.LastBusy);
        Assert.Equal(TimeSpan.FromSeconds(2), schedule.QuietEnded);
        Assert.Equal(IdleTrimKind.None, schedule.Observe(new IdleObservation(TimeSpan.FromSeconds(6), 1, 0, 12L << 20, 105)));
        Assert.Equal(IdleBusyReason.Store, schedule.LastBusy);
        Assert.Equal(IdleTrimKind.None, schedule.Observe(new IdleObservation(TimeSpan.FromSeconds(7), 1, 1, 12L << 20, 105)));
        Assert.Equal(IdleBusyReason.Store, schedule.LastBusy);
    }
}
