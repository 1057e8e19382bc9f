using Vigie.Core;
using Vigie.Query.Pipes.Stats;
using static Vigie.Query.Tests.Events;

namespace Vigie.Query.Tests.Reference;

public class StatsTests
{
    private static readonly LogEvent[] Requests =
    [
        Ago(10, ("host", "a"), ("d", 10), ("s", "x")),
        Ago(20, ("host", "a"), ("d", "30"), ("s", "y")),
        Ago(30, ("host", "b"), ("d", "n/a"), ("s", "x")),
        Ago(40, ("host", "b"), ("d", 2.5)),
        Ago(50, ("d", 7)),
    ];

    [Theory]
    [InlineData("count()", "5")]
    [InlineData("count(s)", "3")]
    [InlineData("count(d)", "5")]
    [InlineData("count_distinct(s)", "2")]
    [InlineData("count_distinct(host)", "2")]
    [InlineData("sum(d)", "49.5")]
    [InlineData("avg(d)", "12.375")]
    [InlineData("min(d)", "2.5")]
    [InlineData("max(d)", "30")]
    [InlineData("p0(d)", "2.5")]
    [InlineData("p25(d)", "2.5")]
    [InlineData("p50(d)", "7")]
    [InlineData("p51(d)", "10")]
    [InlineData("p99(d)", "30")]
    [InlineData("p100(d)", "30")]
    public void Stats_Function_Computes(string function, string expected)
    {
        var row = Assert.Single(Run("* | stats " + function, Requests));
        Assert.Equal(expected, row.Text(function));
        Assert.Equal(ValueKind.Number, row.Get(function)!.Value.Kind);
    }

    [Theory]
    [InlineData("sum(s)")]
    [InlineData("avg(s)")]
    [InlineData("min(s)")]
    [InlineData("max(missing)")]
    [InlineData("p99(s)")]
    public void Stats_NoNumbers_Null(string function)
    {
        var row = Assert.Single(Run("* | stats " + function, Requests));
        Assert.Equal(ValueKind.Absent, row.Get(function)!.Value.Kind);
    }

    [Fact]
    public void Stats_NoInputWithoutBy_OneRowOfZerosAndNulls()
    {
        var row = Assert.Single(Run("nothing | stats count(), count(x), sum(x)", Requests));
        Assert.Equal("{count()=0, count(x)=0, sum(x)=null}", row.ToString());
    }

    [Fact]
    public void Stats_NoInputWithBy_NoRows() => Assert.Empty(Run("nothing | stats count() by (host)", Requests));

    [Fact]
    public void Stats_By_GroupsOrderedByKeyWithMissingAsEmpty()
    {
        var rows = Run("* | stats count() as n, sum(d) as total by (host)", Requests);
        Assert.Equal(["{host=\"\", n=1, total=7}", "{host=\"a\", n=2, total=40}", "{host=\"b\", n=2, total=2.5}"], rows.Select(r => r.ToString()));
    }

    [Fact]
    public void Stats_ByTwoFields_KeysInOrder()
    {
        var rows = Run("host:* | stats count() by (s, host)", Requests);
        Assert.Equal(["{s=\"\", host=\"b\", count()=1}", "{s=\"x\", host=\"a\", count()=1}", "{s=\"x\", host=\"b\", count()=1}", "{s=\"y\", host=\"a\", count()=1}"], rows.Select(r => r.ToString()));
    }

    [Fact]
    public void Stats_TimeBuckets_RowsPerBucketStart()
    {
        var events = new[] { Ago(60, ("_msg", "a")), Ago(3600 + 60, ("_msg", "b")), Ago(3600 + 120, ("_msg", "c")) };
        var rows = Run("* | stats count() by (_time:1h)", events);
        Assert.Equal(["{_time=\"2026-11-25T10:00:00Z\", count()=2}", "{_time=\"2026-11-25T11:00:00Z\", count()=1}"], rows.Select(r => r.ToString()));
    }

    [Fact]
    public void Stats_TimeBucketsBefore1970_FloorNotTruncate() =>
        Assert.Equal(-3600 * Timestamps.NanosPerSecond, Vigie.Query.Pipes.StatsAggregator.BucketStart(-1, 3600 * Timestamps.NanosPerSecond));

    [Fact]
    public void Stats_GroupValueKind_LowestKindSeen()
    {
        var rows = Run("* | stats count() by (v)", [Ago(1, ("v", 5)), Ago(2, ("v", "5")), Ago(3, ("v", 7))]);
        Assert.Equal([ValueKind.String, ValueKind.Number], rows.Select(r => r.Get("v")!.Value.Kind));
    }

    [Fact]
    public void Stats_Numbers_ShortestRoundTripText()
    {
        var rows = Run("* | stats sum(x), avg(x), max(x)", [Ago(1, ("x", 0.1)), Ago(2, ("x", 0.2)), Ago(3, ("x", "1e20"))]);
        Assert.Equal("{sum(x)=1E+20, avg(x)=3.333333333333333E+19, max(x)=1E+20}", Assert.Single(rows).ToString());
    }

    [Fact]
    public void Stats_Sum_IndependentOfOrder()
    {
        double[] values = [1e16, 1, -1e16, 1, 0.1, 0.2, 0.3];
        var forward = new ExactSum();
        var backward = new ExactSum();
        foreach (var v in values)
        {
            forward.Add(v);
        }
        foreach (var v in values.Reverse())
        {
            backward.Add(v);
        }
        Assert.Equal(2.6, forward.Value);
        Assert.Equal(forward.Value, backward.Value);
    }

    [Fact]
    public void Accumulator_Merge_SameAsSingle()
    {
        foreach (var name in new[] { "count", "count_distinct", "sum", "avg", "min", "max", "p50" })
        {
            var function = new Vigie.Query.Syntax.StatsFunction(name, "f");
            var single = StatAccumulators.Create(function);
            var left = StatAccumulators.Create(function);
            var right = StatAccumulators.Create(function);
            string?[] texts = ["3", "x", null, "1.5", "3", "-2", "10"];
            for (var i = 0; i < texts.Length; i++)
            {
                single.Add(texts[i]);
                (i % 2 == 0 ? left : right).Add(texts[i]);
            }
            left.Merge(right);
            Assert.Equal(single.Finish(), left.Finish());
        }
    }
}
