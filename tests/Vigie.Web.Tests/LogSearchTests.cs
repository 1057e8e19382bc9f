using Vigie.Core;
using Vigie.Web.Model;
using Vigie.Web.Services;

namespace Vigie.Web.Tests;

public sealed class LogSearchTests : IAsyncLifetime
{
    private const long Minute = 60 * Timestamps.NanosPerSecond;
    private readonly TestStore _store = new();
    private long _now;

    public async Task InitializeAsync()
    {
        _now = Timestamps.Now();
        // 30 events, one a minute before now: every third an error.
        await _store.AppendAsync([.. Enumerable.Range(1, 30).Select(i => (_now - i * Minute, new (string, object)[]
        {
            ("service", i % 2 == 0 ? "api" : "web"),
            ("level", i % 3 == 0 ? "ERROR" : "info"),
            ("_msg", $"event {i}"),
        }))]);
    }

    [Fact]
    public void Search_StopsAtTheLimit_AndSaysSo()
    {
        var search = new LogSearch(_store.Engine);
        var outcome = search.Search("*", new TimeRange("-1h", "now"), limit: 10);
        Assert.Null(outcome.Error);
        Assert.True(outcome.IsEvents);
        Assert.True(outcome.LimitReached);
        Assert.Equal(10, outcome.Rows.Count);
        Assert.Equal("event 1", outcome.Rows[0].Message);
        Assert.False(search.Search("*", new TimeRange("-1h", "now"), limit: 30).LimitReached);
    }

    [Fact]
    public void Search_RespectsTheTimeRange()
    {
        var outcome = new LogSearch(_store.Engine).Search("*", new TimeRange("-10m", "now"));
        Assert.Equal(9, outcome.Rows.Count); // minutes 1..9; minute 10 lies exactly on the bound, a hair before it by now
    }

    [Fact]
    public void Search_BadQuery_GivesMessageAndPosition()
    {
        var outcome = new LogSearch(_store.Engine).Search("level:error AND", TimeRange.Default);
        Assert.Equal("line 1, column 16: expected a filter after 'AND'", outcome.Error);
        Assert.Equal(15, outcome.ErrorPosition);
    }

    [Fact]
    public void Search_WithStats_GivesResultColumns()
    {
        var outcome = new LogSearch(_store.Engine).Search("* | stats count() as n by (service)", new TimeRange("-1h", "now"));
        Assert.False(outcome.IsEvents);
        Assert.Equal(["service", "n"], outcome.Columns);
        Assert.Equal(["15", "15"], outcome.Rows.Select(r => r.Get("n")));
    }

    [Fact]
    public void Histogram_CountsEveryEventOnce_ByLevelClass()
    {
        var data = new LogSearch(_store.Engine).Histogram("*", new TimeRange("-1h", "now"));
        Assert.Equal(30, data.Total);
        Assert.Equal(["error", "info"], data.Series);
        Assert.Equal(10, data.Buckets.Sum(b => b.Counts[0]));
        Assert.Equal(BucketSize.Choose(60 * Minute + 1), data.BucketNs);
    }

    [Fact]
    public async Task Search_HandsOverTheFirstScreenful_ThenGoesOnToTheLimit()
    {
        using var store = new TestStore();
        await store.AppendAsync([.. Enumerable.Range(1, 250).Select(i => (_now - i * Timestamps.NanosPerSecond, new (string, object)[] { ("service", "api"), ("_msg", $"event {i}") }))]);
        var search = new LogSearch(store.Engine);
        var pages = new List<SearchOutcome>();

        var outcome = search.Search("*", new TimeRange("-1h", "now"), 1000, default, pages.Add);

        var page = Assert.Single(pages);
        Assert.True(page.Partial);
        Assert.Equal(LogSearch.FirstPage, page.Rows.Count);
        Assert.Equal(outcome.Rows.Take(LogSearch.FirstPage), page.Rows);
        Assert.Equal(250, outcome.Rows.Count);
        Assert.False(outcome.Partial);
        Assert.Equal("event 1", outcome.Rows[0].Message);
        // Result rows come whole: their columns are known only at the end.
        pages.Clear();
        search.Search("* | stats count() as n by (_msg)", new TimeRange("-1h", "now"), 1000, default, pages.Add);
        Assert.Empty(pages);
    }

    [Fact]
    public void SampleFields_SummarizeTheFilterOnly()
    {
        var (events, fields) = new LogSearch(_store.Engine).SampleFields("service:api | stats count()", new TimeRange("-1h", "now"));
        Assert.Equal(15, events);
        var service = Assert.Single(fields, f => f.Name == "service");
        Assert.Equal([("api", 15L)], service.TopValues);
        Assert.DoesNotContain(fields, f => f.Name == "_time");
    }

    [Fact]
    public void SampleFields_CountOnlyTheNewestMatches()
    {
        var search = new LogSearch(_store.Engine);
        var (events, fields) = search.SampleFields("*", new TimeRange("-1h", "now"), sampleSize: 4);
        var newest = search.Search("*", new TimeRange("-1h", "now"), limit: 4);
        Assert.Equal(4, events);
        var level = Assert.Single(fields, f => f.Name == "level");
        Assert.Equal(4, level.Count);
        var expected = newest.Rows.GroupBy(r => r.Level!).Select(g => (g.Key, (long)g.Count()))
            .OrderByDescending(v => v.Item2).ThenBy(v => v.Key, StringComparer.Ordinal);
        Assert.Equal(expected, level.TopValues);
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }
}
