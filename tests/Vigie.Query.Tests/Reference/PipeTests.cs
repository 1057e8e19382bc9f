using static Vigie.Query.Tests.Events;

namespace Vigie.Query.Tests.Reference;

public class PipeTests
{
    private static readonly Vigie.Core.LogEvent[] Rows =
    [
        Ago(1, ("k", "10"), ("t", "b")),
        Ago(2, ("k", 9), ("t", "a")),
        Ago(3, ("t", "c")),
        Ago(4, ("k", "2026-11-25T10:00:00Z")),
        Ago(5, ("k", "2026-11-25T09:00:00+00:00")),
        Ago(6, ("k", "abc"), ("t", "a")),
    ];

    private static string[] Column(string query, string name) => [.. Run(query, Rows).Select(r => r.Text(name))];

    [Fact]
    public void Sort_Ascending_NumbersTimesTextsMissingLast() =>
        Assert.Equal(["9", "10", "2026-11-25T09:00:00+00:00", "2026-11-25T10:00:00Z", "abc", "<missing>"], Column("k:[0 TO 100] OR k:2026* OR k:abc OR t:c | sort by (k)", "k"));

    [Fact]
    public void Sort_Descending_MissingStillLast() =>
        Assert.Equal(["10", "9", "<missing>"], Column("t:* -t:a OR k:9 | sort by (k desc)", "k"));

    [Fact]
    public void Sort_TwoKeys_StableOnTies() =>
        Assert.Equal(["abc", "9", "10", "<missing>", "2026-11-25T10:00:00Z", "2026-11-25T09:00:00+00:00"], Column("* | sort by (t, k desc)", "k"));

    [Fact]
    public void Limit_N_FirstRows() => Assert.Equal(["10", "9"], Column("* | limit 2", "k"));

    [Fact]
    public void Limit_Zero_NoRows() => Assert.Empty(Run("* | limit 0", Rows));

    [Fact]
    public void Fields_List_ProjectsInOrderSkippingMissing()
    {
        var rows = Run("* | limit 3 | fields t, k", Rows);
        Assert.Equal(["{t=\"b\", k=\"10\"}", "{t=\"a\", k=9}", "{t=\"c\"}"], rows.Select(r => r.ToString()));
    }

    [Fact]
    public void Fields_ThenTimeFilter_KeepsRowTime() => Assert.Single(Run("* | fields k | where _time:1s", Rows));

    [Fact]
    public void Where_AfterStats_FiltersResultColumns()
    {
        var rows = Run("* | stats count() by (t) | where \"count()\":>1", Rows);
        Assert.Equal(["{t=\"\", count()=2}", "{t=\"a\", count()=2}"], rows.Select(r => r.ToString()));
    }

    [Fact]
    public void Where_AfterBucketedStats_TimeFilterUsesBucket()
    {
        var rows = Run("* | stats count() as n by (_time:1h) | where _time:>=2026-11-25T11:00:00Z", Rows);
        Assert.Equal(["{_time=\"2026-11-25T11:00:00Z\", n=6}"], rows.Select(r => r.ToString()));
    }

    [Fact]
    public void Top_N_MostFrequentThenGroupOrder()
    {
        var rows = Run("* | top 2 by (t)", Rows);
        Assert.Equal(["{t=\"\", hits=2}", "{t=\"a\", hits=2}"], rows.Select(r => r.ToString()));
    }

    [Fact]
    public void Pipes_Chained_AppliedInOrder()
    {
        var rows = Run("* | stats count() as n by (t) | sort by (n desc, t desc) | limit 2 | fields t", Rows);
        Assert.Equal(["{t=\"a\"}", "{t=\"\"}"], rows.Select(r => r.ToString()));
    }
}
