using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vigie.Core;
using Vigie.Web.Model;

namespace Vigie.Web.Tests;

public sealed class ModelTests
{
    private const long Second = Timestamps.NanosPerSecond;

    [Fact]
    public void TimeRange_FromUrl_UnreadableBoundFallsBackToDefault()
    {
        Assert.Equal(TimeRange.Default, TimeRange.FromUrl("yesterday-ish", "now"));
        Assert.Equal(new TimeRange("-1h", "now"), TimeRange.FromUrl("-1h", null));
    }

    [Fact]
    public void TimeRange_Resolve_RelativeBoundsCountFromNow()
    {
        var now = 1_000_000 * Second;
        var (start, end) = new TimeRange("-15m", "now").Resolve(now);
        Assert.Equal(now - 15 * 60 * Second, start);
        Assert.Equal(now + 1, end);
    }

    [Fact]
    public void TimeRange_Absolute_RoundTripsThroughTheUrl()
    {
        var range = TimeRange.Absolute(1_700_000_000 * Second, 1_700_000_600 * Second);
        Assert.Equal("2023-11-14T22:13:20Z", range.From);
        Assert.Equal((1_700_000_000 * Second, 1_700_000_600 * Second), TimeRange.FromUrl(range.From, range.To).Resolve(0));
        Assert.Equal("2023-11-14 22:13:20 → 2023-11-14 22:23:20", range.Label);
        Assert.Equal("Last 1 hour", new TimeRange("-1h", "now").Label);
    }

    [Property]
    public Property BucketSize_GivesAtMost120BarsUpToMonths() =>
        Prop.ForAll(Gen.Choose(1, 90 * 86400).ToArbitrary(), seconds =>
        {
            var span = seconds * Second;
            return span / BucketSize.Choose(span) <= 120;
        });

    [Theory]
    [InlineData("", "level", "error", false, "level:\"error\"")]
    [InlineData("*", "level", "error", true, "NOT level:\"error\"")]
    [InlineData("timeout", "host", "web 1", false, "timeout AND host:\"web 1\"")]
    [InlineData("a OR b", "host", "x", false, "(a OR b) AND host:\"x\"")]
    [InlineData("error | stats count() by (host)", "service", "api", false, "error AND service:\"api\" | stats count() by (host)")]
    [InlineData("path:/a|b/ x", "k", "v", false, "path:/a|b/ AND x AND k:\"v\"")]
    public void QueryEdits_AddFilter_AndsTheTermBeforeThePipes(string query, string field, string value, bool exclude, string expected) =>
        Assert.Equal(expected, QueryEdits.AddFilter(query, field, value, exclude));

    [Property]
    public Property QueryEdits_AddFilter_AlwaysParsesAndMatchesTheValue() =>
        Prop.ForAll(ArbMap.Default.ArbFor<NonNull<string>>(), v =>
        {
            var value = v.Get.Replace("\0", "", StringComparison.Ordinal);
            var query = Vigie.Query.Syntax.Query.Parse(QueryEdits.AddFilter("", "f", value));
            var e = new LogEvent(0, StreamKey.Empty, [new("f", FieldValue.Str(value))]);
            return Vigie.Query.Reference.ReferenceEvaluator.Evaluate(query, [e], 0).Count == 1;
        });

    [Property]
    public Property QueryHighlighter_TokensConcatenateBackToTheInput() =>
        Prop.ForAll(ArbMap.Default.ArbFor<NonNull<string>>(), s =>
            string.Concat(QueryHighlighter.Tokens(s.Get).Select(t => t.Text)) == s.Get);

    [Fact]
    public void QueryHighlighter_ClassifiesFieldsKeywordsPipesAndStrings()
    {
        var tokens = QueryHighlighter.Tokens("level:error AND \"a b\" | stats count()").Where(t => t.Class.Length > 0).ToList();
        Assert.Equal(
            [("level", "field-name"), ("AND", "kw"), ("\"a b\"", "str"), ("|", "pipe"), ("stats", "pipe"), ("count", "fn")],
            tokens.Select(t => (t.Text, t.Class)));
    }

    [Property]
    public Property Highlight_SplitIsLossless() =>
        Prop.ForAll(ArbMap.Default.ArbFor<NonNull<string>>(), ArbMap.Default.ArbFor<NonEmptyString>(), (text, word) =>
            string.Concat(Highlight.Split(text.Get, [word.Get]).Select(p => p.Text)) == text.Get);

    [Fact]
    public void Highlight_MarksTheQueryWordsOnly()
    {
        var words = Highlight.Words("timeout host:web-1 \"connection refused\" NOT debug");
        Assert.Equal(["timeout", "connection refused"], words);
        var parts = Highlight.Split("Connection refused after timeout", words).ToList();
        Assert.Equal([("Connection refused", true), (" after ", false), ("timeout", true)], parts.Select(p => (p.Text, p.Hit)));
    }

    [Fact]
    public void QueryCompletion_SuggestsFieldsThenTheirTopValues()
    {
        var fields = new[] { new Vigie.Query.Engine.FieldSummary("service", 10, 2, false, [("api", 7), ("web", 3)]), new Vigie.Query.Engine.FieldSummary("status", 10, 1, false, [("500", 10)]) };
        var names = QueryCompletion.Suggest("error se", fields, []);
        Assert.Equal(["service:"], names.Select(c => c.Label));
        Assert.Equal("error service:", names[0].Apply("error se"));
        var values = QueryCompletion.Suggest("error service:a", fields, []);
        Assert.Equal("error service:api ", Assert.Single(values).Apply("error service:a"));
        Assert.Equal(["stats ", "sort "], QueryCompletion.Suggest("x | s", fields, []).Select(c => c.Insert).Take(2));
        Assert.Equal(["older query"], QueryCompletion.Suggest("", fields, ["older query"]).Select(c => c.Insert));
    }

    [Fact]
    public void TailBuffer_KeepsTheNewestUpToItsCapacity_AndCountsWhilePaused()
    {
        var buffer = new TailBuffer();
        var rows = Enumerable.Range(0, TailBuffer.Capacity + 10).Select(i => Row(i)).ToList();
        buffer.Add(rows);
        Assert.Equal(TailBuffer.Capacity, buffer.Rows.Count);
        Assert.Equal(rows[^1].Message, buffer.Rows[0].Message);
        Assert.True(buffer.TakeChanged());
        Assert.False(buffer.TakeChanged());
        buffer.Paused = true;
        buffer.Add([Row(-1), Row(-2)]);
        Assert.Equal(2, buffer.Missed);
        Assert.Equal(rows[^1].Message, buffer.Rows[0].Message);
        buffer.Paused = false;
        Assert.Equal(0, buffer.Missed);
    }

    [Fact]
    public void DisplayRow_ToJson_KeepsTypes()
    {
        var e = new LogEvent(0, StreamKey.Empty, [new("n", FieldValue.Num("1.5")), new("ok", new FieldValue(ValueKind.Bool, "true")), new("_msg", FieldValue.Str("a \"q\""))]);
        var json = DisplayRow.From(new Vigie.Query.Rows.EventRow(e)).ToJson();
        Assert.Equal("{\"_time\":\"1970-01-01T00:00:00Z\",\"_stream\":\"{}\",\"n\":1.5,\"ok\":true,\"_msg\":\"a \\u0022q\\u0022\"}", json);
    }

    [Theory]
    [InlineData("ERROR", "error")]
    [InlineData("Warning", "warn")]
    [InlineData("notice", "info")]
    [InlineData("trace", "debug")]
    [InlineData(null, "other")]
    [InlineData("custom", "other")]
    public void Levels_Classify(string? level, string expected) => Assert.Equal(expected, Levels.Classify(level));

    private static DisplayRow Row(int i) =>
        DisplayRow.From(new Vigie.Query.Rows.EventRow(new LogEvent(i, StreamKey.Empty, [new("_msg", FieldValue.Str("m" + i))])));
}
