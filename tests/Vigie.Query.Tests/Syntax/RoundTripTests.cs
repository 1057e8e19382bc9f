using FsCheck.Xunit;

namespace Vigie.Query.Tests.Syntax;

public class RoundTripTests
{
    [Theory]
    [InlineData("*")]
    [InlineData("error")]
    [InlineData("\"connection refused\"")]
    [InlineData("\"connection ref\"*")]
    [InlineData("time*")]
    [InlineData("a AND b")]
    [InlineData("a OR b AND c")]
    [InlineData("(a OR b) AND c")]
    [InlineData("a AND (b AND c)")]
    [InlineData("NOT a")]
    [InlineData("NOT (a OR b)")]
    [InlineData("NOT NOT a")]
    [InlineData("host:web-1")]
    [InlineData("status:>=500")]
    [InlineData("status:<5")]
    [InlineData("status:[100 TO 200}")]
    [InlineData("f:[* TO *]")]
    [InlineData("f:>=\"=5\"")]
    [InlineData("f:[\"TO\" TO \"a b\"]")]
    [InlineData("trace_id:*")]
    [InlineData("_msg:*")]
    [InlineData("client_ip:10.0.0.0/8")]
    [InlineData("client_ip:2001:db8::/32")]
    [InlineData("_time:15m")]
    [InlineData("_time:1h30m")]
    [InlineData("_time:[2026-11-25T00:00:00Z TO 2026-11-26T00:00:00Z]")]
    [InlineData("_time:>=2026-11-25T00:00:00.5Z")]
    [InlineData("_time:2026-11*")]
    [InlineData("path:/^\\/api\\/v[12]/")]
    [InlineData("/x+/")]
    [InlineData("path:/api/v1 OR x:/y/")]
    [InlineData("path:\"/api\" OR x:\"/\"*")]
    [InlineData("\"count()\":>100")]
    [InlineData("_msg:AND")]
    [InlineData("_msg:-1")]
    [InlineData("_msg:a:b")]
    [InlineData("\"a b\":c")]
    [InlineData("* | stats count() as hits, p99(duration) by (host, _time:1h) | where hits:>100 | sort by (hits desc, host) | limit 10 | fields host, hits")]
    [InlineData("error | top 10 by (host)")]
    [InlineData("* | stats count(\"a b\") as \"n x\"")]
    public void ToString_CanonicalInput_SameText(string text) => Assert.Equal(text, ParsedQuery.Parse(text).ToString());

    [Theory]
    [InlineData("a b", "a AND b")]
    [InlineData("-a", "NOT a")]
    [InlineData("((a))", "a")]
    [InlineData("status:[* TO 5]", "status:<=5")]
    [InlineData("status:[5 TO *}", "status:>=5")]
    [InlineData("status:{100 TO *]", "status:>100")]
    [InlineData("_time:90m", "_time:1h30m")]
    [InlineData("_time:>2026-11-25T01:00:00+01:00", "_time:>2026-11-25T00:00:00Z")]
    [InlineData("ip:10.0.0.1/8", "ip:10.0.0.1/8")]
    [InlineData("| limit 1", "* | limit 1")]
    [InlineData("* |stats count()by a,b", "* | stats count() by (a, b)")]
    [InlineData("* | sort by x asc", "* | sort by (x)")]
    [InlineData("* | fields (a,b)", "* | fields a, b")]
    [InlineData("f:/a/ OR \"x\"", "f:/a/ OR \"x\"")]
    public void ToString_NonCanonicalInput_CanonicalText(string text, string canonical) => Assert.Equal(canonical, ParsedQuery.Parse(text).ToString());

    [Property(Arbitrary = [typeof(QueryGenerators)], MaxTest = 1000)]
    public void ToString_RandomQuery_ParsesBackEqual(ParsedQuery query)
    {
        var text = query.ToString();
        var parsed = ParsedQuery.Parse(text);
        Assert.Equal(query, parsed);
        Assert.Equal(text, parsed.ToString());
    }
}
