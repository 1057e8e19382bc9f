using FsCheck;
using FsCheck.Fluent;
using Vigie.Agent.Collection;
using Vigie.Agent.Docker;

namespace Vigie.Agent.Tests.Docker;

/// <summary>Stopping anywhere and resuming with Docker's <c>since</c> reads every line once.</summary>
public sealed class LogPositionTests
{
    /// <summary>
    /// Lines in log order: a clock that moves by steps (often not at all: lines share a nanosecond),
    /// and each line stamped up to 5 ms early (stdout and stderr's copiers: disorder in the log).
    /// </summary>
    private static Gen<List<long>> Times =>
        from lines in (from step in Gen.Elements(0L, 0L, 1L, 7L, 1_000_000L, 30_000_000L, 120_000_000L)
                       from early in Gen.Elements(0L, 0L, 0L, 1L, 2_000_000L, 5_000_000L)
                       select (step, early)).ListOf()
        select Stamp(lines);

    private static List<long> Stamp(IEnumerable<(long Step, long Early)> lines)
    {
        var clock = 1_764_000_000_000_000_000L;
        var times = new List<long>();
        foreach (var (step, early) in lines)
        {
            clock += step;
            times.Add(clock - early);
        }
        return times;
    }

    /// <summary>Docker's answer to <c>since</c>: the lines not before it, in log order.</summary>
    private static IEnumerable<int> Answer(List<long> times, long since) =>
        Enumerable.Range(0, times.Count).Where(i => times[i] >= since);

    [Fact]
    public void Resume_StoppedTwiceAnywhere_EveryLineOnceInOrder()
    {
        var cases = from times in Times from cut1 in Gen.Choose(0, 1000) from cut2 in Gen.Choose(0, 1000) select (times, cut1, cut2);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var times = c.times;
            var cuts = new[] { c.cut1 % (times.Count + 1), c.cut2 % (times.Count + 1) }.Order().ToArray();
            var read = new List<int>();
            SourcePosition? saved = null;
            foreach (var stopAfter in cuts.Append(times.Count))
            {
                // A restarted agent gets back the position the sink kept with the last line it took.
                var position = new LogPosition(saved);
                position.BeginRead();
                foreach (var i in Answer(times, position.SinceNs))
                {
                    if (read.Count >= stopAfter)
                    {
                        break;
                    }
                    if (position.Accept(times[i], out var after))
                    {
                        position.Commit(times[i]);
                        saved = after;
                        read.Add(i);
                    }
                }
            }
            return read.SequenceEqual(Enumerable.Range(0, times.Count));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Resume_SameSourceReadsAgainAfterAFailure_EveryLineOnce()
    {
        var cases = from times in Times from cut in Gen.Choose(0, 1000) select (times, cut);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var times = c.times;
            var cut = c.cut % (times.Count + 1);
            var position = new LogPosition(null);
            var read = new List<int>();
            // One read broken off after `cut` lines, then the same position reads again (a daemon restart).
            foreach (var limit in new[] { cut, times.Count })
            {
                position.BeginRead();
                foreach (var i in Answer(times, position.SinceNs))
                {
                    if (read.Count >= limit)
                    {
                        break;
                    }
                    if (position.Accept(times[i], out _))
                    {
                        position.Commit(times[i]);
                        read.Add(i);
                    }
                }
            }
            return read.SequenceEqual(Enumerable.Range(0, times.Count));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void SinceNs_NoPosition_WholeLog() => Assert.Equal(0, new LogPosition(null).SinceNs);

    [Fact]
    public void Current_ManyLinesOverTime_TrailsTheNewestLineByTheWindow()
    {
        var position = new LogPosition(null);
        position.BeginRead();
        var time = 1_764_000_000_000_000_000L;
        for (var i = 0; i < 10_000; i++)
        {
            time += 1_000_000;
            Assert.True(position.Accept(time, out _));
            position.Commit(time);
        }
        Assert.InRange(time - position.SinceNs, LogPosition.Window, 2 * LogPosition.Window);
        // Only the lines since then are counted, not all ten thousand.
        Assert.InRange(position.Current.Count, 50, 100);
    }
}
