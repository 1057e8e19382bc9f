using Vigie.Core;
using Vigie.Query.Syntax;

namespace Vigie.Query.Tests.Syntax;

public class ParserPipeTests
{
    private static Pipe P(string text) => Assert.Single(ParsedQuery.Parse("* | " + text).Pipes);

    [Fact]
    public void Parse_StatsCount_OneFunction() =>
        Assert.Equal(new StatsPipe([new StatsFunction("count", null)], []), P("stats count()"));

    [Fact]
    public void Parse_StatsAllFunctions_InOrder()
    {
        var stats = (StatsPipe)P("stats count(), count(f), count_distinct(f), sum(f), avg(f), min(f), max(f), p50(f), p90(f), p99(f)");
        Assert.Equal(["count()", "count(f)", "count_distinct(f)", "sum(f)", "avg(f)", "min(f)", "max(f)", "p50(f)", "p90(f)", "p99(f)"], stats.Functions.Select(f => f.ResultName));
    }

    [Fact]
    public void Parse_StatsAliasAndBy_Parsed() =>
        Assert.Equal(
            new StatsPipe([new StatsFunction("count", null, "hits"), new StatsFunction("p99", "duration", "slow")], [new GroupKey("host"), new GroupKey("_time", 3600 * Timestamps.NanosPerSecond)]),
            P("stats count() as hits, p99(duration) as slow by (host, _time:1h)"));

    [Fact]
    public void Parse_StatsByWithoutParentheses_Parsed() =>
        Assert.Equal(new StatsPipe([new StatsFunction("sum", "bytes")], [new GroupKey("a"), new GroupKey("b")]), P("stats sum( bytes ) by a, b"));

    [Fact]
    public void Parse_StatsQuotedField_ResultNameQuoted() =>
        Assert.Equal("max(\"a b\")", ((StatsPipe)P("stats max(\"a b\")")).Functions[0].ResultName);

    [Theory]
    [InlineData("p0", 0)]
    [InlineData("p7", 7)]
    [InlineData("p100", 100)]
    public void Percentile_Name_Value(string name, int expected) => Assert.Equal(expected, new StatsFunction(name, "f").Percentile);

    [Fact]
    public void Parse_Sort_Keys() =>
        Assert.Equal(new SortPipe([new SortKey("f", true), new SortKey("g"), new SortKey("h")]), P("sort by (f desc, g, h asc)"));

    [Fact]
    public void Parse_SortWithoutParentheses_Keys() => Assert.Equal(new SortPipe([new SortKey("hits", true)]), P("sort by hits desc"));

    [Fact]
    public void Parse_Limit_Count() => Assert.Equal(new LimitPipe(10), P("limit 10"));

    [Fact]
    public void Parse_Fields_List() => Assert.Equal(new FieldsPipe(["_time", "host", "a b"]), P("fields _time, host, \"a b\""));

    [Fact]
    public void Parse_Where_Filter() =>
        Assert.Equal(new WherePipe(new RangeFilter("count()", new RangeBound("100", false), null)), P("where \"count()\":>100"));

    [Fact]
    public void Parse_Top_NAndFields() => Assert.Equal(new TopPipe(5, ["host", "path"]), P("top 5 by (host, path)"));

    [Fact]
    public void Parse_Chain_AllPipesInOrder()
    {
        var q = ParsedQuery.Parse("error | stats count() as n by (host) | where n:>1 | sort by (n desc) | limit 3 | fields host");
        Assert.Equal([typeof(StatsPipe), typeof(WherePipe), typeof(SortPipe), typeof(LimitPipe), typeof(FieldsPipe)], q.Pipes.Select(p => p.GetType()));
    }

    [Fact]
    public void Parse_PipeWithoutFilter_AllFilter() => Assert.Equal(AllFilter.Instance, ParsedQuery.Parse("| limit 1").Filter);

    [Fact]
    public void ReferencedFields_StatsAfterWhere_FilterWhereAndStatsFields() =>
        Assert.Equal(["_time", "bytes", "host", "level", "status"], ParsedQuery.Parse("status:500 | where level:error | stats sum(bytes) by (host, _time:1h) | sort by (x)").ReferencedFields()!.Order(StringComparer.Ordinal));

    [Fact]
    public void ReferencedFields_NoProjection_Null() => Assert.Null(ParsedQuery.Parse("a | sort by (x) | limit 5").ReferencedFields());
}
