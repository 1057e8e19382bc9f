using Vigie.Core;
using static Vigie.Query.Tests.Events;

namespace Vigie.Query.Tests.Reference;

public class FilterSemanticsTests
{
    [Theory]
    [InlineData("error", "An ERROR occurred", true)]
    [InlineData("error", "errors everywhere", false)]
    [InlineData("error", "no_error here", false)]
    [InlineData("error", "[error]", true)]
    [InlineData("ERROR", "error", true)]
    [InlineData("\"connection refused\"", "Connection Refused by peer", true)]
    [InlineData("\"connection refused\"", "connection  refused", false)]
    [InlineData("\"tion ref\"", "connection refused", false)]
    [InlineData("\"::\"", "a::b", true)]
    [InlineData("\"/api/\"", "GET /api/v1", true)]
    [InlineData("\"/api\"", "GET /apis", false)]
    [InlineData("café", "CAFÉ au lait", true)]
    [InlineData("straße", "STRASSE", false)]
    [InlineData("время", "Время пришло", true)]
    [InlineData("日本", "東京 日本 大阪", true)]
    [InlineData("\"𝒳\"", "a 𝒳 b", true)]
    [InlineData("\"𝒳\"", "a𝒳b", false)]
    [InlineData("a", "𝒳a", false)]
    [InlineData("a", "😀a", true)]
    [InlineData("\"😀\"", "a😀b", true)]
    [InlineData("time*", "Timeout after 5s", true)]
    [InlineData("time*", "runtime error", false)]
    [InlineData("\"connection ref\"*", "connection refused", true)]
    [InlineData("\"\"", "anything", true)]
    [InlineData("*", "anything", true)]
    public void Word_OnMessage_MatchesByWords(string query, string message, bool expected) =>
        Assert.Equal(expected, Matches(query, Msg(message)));

    [Theory]
    [InlineData("status:500", 500, true)]
    [InlineData("status:500", "500", true)]
    [InlineData("status:500", 500.0, true)]
    [InlineData("status:500", "5e2", true)]
    [InlineData("status:500", 5000, false)]
    [InlineData("status:5e2", 500, true)]
    [InlineData("status:\"500\"", "500.0", true)]
    [InlineData("status:\"5e2\"", 500, false)]
    [InlineData("status:50*", 503, true)]
    [InlineData("ok:true", true, true)]
    public void Word_OnNumbers_MatchesNumerically(string query, object value, bool expected) =>
        Assert.Equal(expected, Matches(query, Ago(1, ("status", value), ("ok", value))));

    [Theory]
    [InlineData("host:web-1", true)]
    [InlineData("host:web", true)]
    [InlineData("host:web-*", true)]
    [InlineData("host:WEB-1", true)]
    [InlineData("host:eb-1", false)]
    [InlineData("host:/^web-\\d$/", true)]
    [InlineData("host:/^WEB/", false)]
    [InlineData("host:/(?i)^WEB/", true)]
    [InlineData("host:/b-/", true)]
    [InlineData("host:*", true)]
    [InlineData("missing:*", false)]
    public void FieldFilters_OnString_Match(string query, bool expected) =>
        Assert.Equal(expected, Matches(query, Ago(1, ("host", "web-1"))));

    [Fact]
    public void Exists_EmptyString_Matches() => Assert.True(Matches("f:*", Ago(1, ("f", ""))));

    [Theory]
    [InlineData("n:[100 TO 200]", 100, true)]
    [InlineData("n:[100 TO 200]", 200, true)]
    [InlineData("n:{100 TO 200]", 100, false)]
    [InlineData("n:[100 TO 200}", 200, false)]
    [InlineData("n:[100 TO 200]", 99.5, false)]
    [InlineData("n:[* TO 200]", -1e9, true)]
    [InlineData("n:[100 TO *]", 1e9, true)]
    [InlineData("n:>=500", 500, true)]
    [InlineData("n:>500", 500, false)]
    [InlineData("n:<500", 499.99, true)]
    [InlineData("n:<=500", "500", true)]
    [InlineData("n:>9", 10, true)]
    [InlineData("n:>9", "abc", false)]
    [InlineData("n:>b", "c", true)]
    [InlineData("n:>b", "B", false)]
    [InlineData("n:>b", 10, false)]
    [InlineData("n:[a TO c]", "bzz", true)]
    [InlineData("n:[a TO c]", "c", true)]
    [InlineData("n:[a TO c]", "ca", false)]
    [InlineData("n:[* TO *]", "x", true)]
    public void Range_Value_ComparesNumbersOrTexts(string query, object value, bool expected) =>
        Assert.Equal(expected, Matches(query, Ago(1, ("n", value))));

    [Theory]
    [InlineData("ip:10.0.0.0/8", "10.255.3.4", true)]
    [InlineData("ip:10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("ip:10.1.2.3/8", "10.9.9.9", true)]
    [InlineData("ip:192.168.1.0/25", "192.168.1.127", true)]
    [InlineData("ip:192.168.1.0/25", "192.168.1.128", false)]
    [InlineData("ip:0.0.0.0/0", "1.2.3.4", true)]
    [InlineData("ip:10.0.0.0/8", "10.0.0.1:8080", false)]
    [InlineData("ip:10.0.0.0/8", "10.1", false)]
    [InlineData("ip:10.0.0.0/8", "::ffff:10.0.0.1", false)]
    [InlineData("ip:10.0.0.0/8", "010.0.0.1", false)]
    [InlineData("ip:2001:db8::/32", "2001:db8:1::5", true)]
    [InlineData("ip:2001:db8::/32", "2001:db9::5", false)]
    [InlineData("ip:2001:db8::/32", "10.0.0.1", false)]
    [InlineData("ip:::1/128", "::1", true)]
    [InlineData("ip:fe80::/10", "febf::1", true)]
    [InlineData("ip:fe80::/10", "fec0::1", false)]
    public void Cidr_Address_MatchesNetworkOfSameFamily(string query, string address, bool expected) =>
        Assert.Equal(expected, Matches(query, Ago(1, ("ip", address))));

    [Theory]
    [InlineData("status:500")]
    [InlineData("status:\"500\"")]
    [InlineData("status:5*")]
    [InlineData("status:/5/")]
    [InlineData("status:>=0")]
    [InlineData("status:[a TO z]")]
    [InlineData("status:*")]
    [InlineData("status:10.0.0.0/8")]
    public void MissingField_PositiveFalse_NegatedTrue(string query)
    {
        var e = Msg("no status here");
        Assert.False(Matches(query, e));
        Assert.True(Matches("NOT " + query, e));
        Assert.True(Matches("-" + query, e));
    }

    [Fact]
    public void NullResultValue_TreatedAsMissing()
    {
        var rows = Run("* | stats avg(x) as a | where a:*", [Msg("m")]);
        Assert.Empty(rows);
    }

    [Theory]
    [InlineData("a AND b", true)]
    [InlineData("a c", false)]
    [InlineData("a OR c", true)]
    [InlineData("c OR d", false)]
    [InlineData("NOT c", true)]
    [InlineData("a -b", false)]
    [InlineData("c OR a b", true)]
    [InlineData("(c OR a) AND NOT b", false)]
    public void Logic_Combinations_Evaluate(string query, bool expected) => Assert.Equal(expected, Matches(query, Msg("a b")));

    [Theory]
    [InlineData("_time:15m", 0, true)]
    [InlineData("_time:15m", 900, true)]
    [InlineData("_time:15m", 901, false)]
    [InlineData("_time:15m", -1, false)]
    [InlineData("_time:>=2026-11-25T11:00:00Z", 3600, true)]
    [InlineData("_time:>2026-11-25T11:00:00Z", 3600, false)]
    [InlineData("_time:[2026-11-25T00:00:00Z TO 2026-11-26T00:00:00Z}", 0, true)]
    [InlineData("_time:[2026-11-26T00:00:00Z TO *]", 0, false)]
    [InlineData("_time:2026-11-25*", 0, true)]
    [InlineData("_time:\"11:59:59\"", 1, false)]
    [InlineData("_time:\"2026-11-25T11:59:59Z\"", 1, true)]
    public void Time_Filter_UsesEventTimeAndNow(string query, int secondsAgo, bool expected) =>
        Assert.Equal(expected, Matches(query, Ago(secondsAgo, ("_msg", "x"))));

    [Fact]
    public void Stream_Field_MatchesStreamKeyText()
    {
        var e = new LogEvent(Now, StreamKey.Create([new("host", "web-1")]), [new("_msg", FieldValue.Str("x"))]);
        Assert.True(Matches("_stream:\"host=\\\"web-1\\\"\"", e));
    }

    [Fact]
    public void Evaluate_Rows_NewestFirstStableWithinEqualTimes()
    {
        var rows = Run("*", [Ago(5, ("_msg", "old")), Ago(1, ("_msg", "new1")), Ago(1, ("_msg", "new2")), Ago(3, ("_msg", "mid"))]);
        Assert.Equal(["new1", "new2", "mid", "old"], rows.Select(r => r.Text("_msg")));
    }

    [Fact]
    public void Evaluate_Bounds_StartInclusiveEndExclusive()
    {
        var events = new[] { Ago(3, ("_msg", "a")), Ago(2, ("_msg", "b")), Ago(1, ("_msg", "c")) };
        var rows = Run("*", events, start: Now - 3 * Timestamps.NanosPerSecond, end: Now - Timestamps.NanosPerSecond);
        Assert.Equal(["b", "a"], rows.Select(r => r.Text("_msg")));
    }

    [Fact]
    public void Evaluate_EventRows_TimeStreamThenFields()
    {
        var row = Assert.Single(Run("*", [Ago(0, ("_msg", "m"), ("n", 1))]));
        Assert.Equal(["_time", "_stream", "_msg", "n"], row.Columns.Select(c => c.Key));
        Assert.Equal("2026-11-25T12:00:00Z", row.Text("_time"));
    }
}
