using FsCheck;
using FsCheck.Fluent;
using Vigie.Agent.Collection;
using Vigie.Agent.Docker;

namespace Vigie.Agent.Tests.Docker;

/// <summary>Stopping anywhere and resuming with Docker's <c>since</c> reads every line once.</summary>
public sealed class LogPositionTests
{
    [Fact]
    public void Resume_StoppedAfterAnyLine_EveryLineOnce()
    {
        var cases =
            from steps in Gen.Elements(0L, 0L, 1L, 2L, 1000L).ListOf()
            from stop in Gen.Choose(0, 1000)
            select (steps, stop);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            // Lines in log order, several often at one nanosecond.
            var times = new List<long>();
            var time = 1_764_000_000_000_000_000L;
            foreach (var step in c.steps)
            {
                time += step;
                times.Add(time);
            }
            var cut = times.Count == 0 ? 0 : c.stop % (times.Count + 1);
            var read = new List<int>();
            var first = new LogPosition(null);
            first.BeginRead();
            for (var i = 0; i < cut; i++)
            {
                if (first.Accept(times[i], out var after))
                {
                    first.Commit(after);
                    read.Add(i);
                }
            }
            // A restarted agent gets the saved position back and Docker answers from `since` on.
            SourcePosition? saved = cut == 0 ? null : first.Current;
            var second = new LogPosition(saved);
            second.BeginRead();
            for (var i = 0; i < times.Count; i++)
            {
                if (times[i] >= second.SinceNs && second.Accept(times[i], out var after))
                {
                    second.Commit(after);
                    read.Add(i);
                }
            }
            return read.SequenceEqual(Enumerable.Range(0, times.Count));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void SinceNs_NoPosition_WholeLog() => Assert.Equal(0, new LogPosition(null).SinceNs);
}
