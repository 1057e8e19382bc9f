using System.Net;
using Vigie.Core;
using Vigie.Query.Syntax;

namespace Vigie.Query.Tests.Syntax;

public class ParserFilterTests
{
    private static Filter F(string text) => ParsedQuery.Parse(text).Filter;

    private static readonly long Nov25 = Timestamps.FromDateTime(new DateTime(2026, 11, 25, 0, 0, 0, DateTimeKind.Utc));
    private static readonly long Nov26 = Timestamps.FromDateTime(new DateTime(2026, 11, 26, 0, 0, 0, DateTimeKind.Utc));

    [Fact]
    public void Parse_BareWord_WordOnMessage() => Assert.Equal(new WordFilter("_msg", "error"), F("error"));

    [Fact]
    public void Parse_Phrase_PhraseOnMessage() => Assert.Equal(new PhraseFilter("_msg", "connection refused"), F("\"connection refused\""));

    [Fact]
    public void Parse_PhraseWithEscapes_Unescaped() => Assert.Equal(new PhraseFilter("_msg", "say \"hi\" \\o/"), F("\"say \\\"hi\\\" \\\\o/\""));

    [Fact]
    public void Parse_Prefix_PrefixOnMessage() => Assert.Equal(new PrefixFilter("_msg", "time"), F("time*"));

    [Fact]
    public void Parse_QuotedPrefix_PrefixWithSpace() => Assert.Equal(new PrefixFilter("_msg", "connection ref"), F("\"connection ref\"*"));

    [Fact]
    public void Parse_FieldValue_Word() => Assert.Equal(new WordFilter("status", "500"), F("status:500"));

    [Fact]
    public void Parse_HyphenatedValue_Word() => Assert.Equal(new WordFilter("host", "web-1"), F("host:web-1"));

    [Fact]
    public void Parse_ValueWithColonsAndSlashes_Word() => Assert.Equal(new WordFilter("url", "http://x/a:b"), F("url:http://x/a:b"));

    [Fact]
    public void Parse_PathNotEndingWithSlash_Word() => Assert.Equal(new WordFilter("path", "/api/v1"), F("path:/api/v1"));

    [Fact]
    public void Parse_SlashPrefix_Prefix() => Assert.Equal(new PrefixFilter("path", "/api/"), F("path:/api/*"));

    [Fact]
    public void Parse_FieldQuoted_Phrase() => Assert.Equal(new PhraseFilter("user", "Jane Doe"), F("user:\"Jane Doe\""));

    [Fact]
    public void Parse_FieldPrefix_Prefix() => Assert.Equal(new PrefixFilter("host", "web-"), F("host:web-*"));

    [Fact]
    public void Parse_Regex_Regex() => Assert.Equal(new RegexFilter("path", "^/api/v[12]"), F("path:/^\\/api\\/v[12]/"));

    [Fact]
    public void Parse_RegexWithSpacesAndPipe_Regex() => Assert.Equal(new RegexFilter("_msg", "a b|c"), F("/a b|c/"));

    [Fact]
    public void Parse_RegexUnescapedSlash_StoredEscaped() => Assert.Equal("a\\/b", new RegexFilter("f", "a/b").Pattern);

    [Fact]
    public void Parse_RegexCompiled_HasTimeout() => Assert.Equal(RegexFilter.MatchTimeout, ((RegexFilter)F("f:/x+/")).Regex.MatchTimeout);

    [Theory]
    [InlineData("status:>=500", "500", true, null, false)]
    [InlineData("status:>500", "500", false, null, false)]
    [InlineData("status:<=499", null, false, "499", true)]
    [InlineData("status:<499", null, false, "499", false)]
    [InlineData("status:[100 TO 200]", "100", true, "200", true)]
    [InlineData("status:{100 TO 200}", "100", false, "200", false)]
    [InlineData("status:[100 TO 200}", "100", true, "200", false)]
    [InlineData("status:{100 TO 200]", "100", false, "200", true)]
    [InlineData("status:[100 TO *]", "100", true, null, false)]
    [InlineData("status:[* TO 200]", null, false, "200", true)]
    [InlineData("status:[* TO *]", null, false, null, false)]
    [InlineData("status:[ 100  TO  200 ]", "100", true, "200", true)]
    public void Parse_Range_Bounds(string text, string? lower, bool lowerInclusive, string? upper, bool upperInclusive)
    {
        var expected = new RangeFilter(
            "status",
            lower is null ? null : new RangeBound(lower, lowerInclusive),
            upper is null ? null : new RangeBound(upper, upperInclusive));
        Assert.Equal(expected, F(text));
    }

    [Fact]
    public void Parse_RangeNumericBound_HasNumber() => Assert.Equal(500.0, ((RangeFilter)F("status:>=5e2")).Lower!.Number);

    [Fact]
    public void Parse_RangeTextBound_NoNumber() => Assert.Null(((RangeFilter)F("level:>=b")).Lower!.Number);

    [Fact]
    public void Parse_RangeQuotedStar_LiteralBound() => Assert.Equal(new RangeFilter("f", new RangeBound("*", true), new RangeBound("a b", true)), F("f:[\"*\" TO \"a b\"]"));

    [Fact]
    public void Parse_Exists_Exists() => Assert.Equal(new ExistsFilter("trace_id"), F("trace_id:*"));

    [Fact]
    public void Parse_Star_All() => Assert.Equal(AllFilter.Instance, F("*"));

    [Fact]
    public void Parse_Empty_All() => Assert.Equal(AllFilter.Instance, F("   "));

    [Fact]
    public void Parse_CidrV4_Cidr() => Assert.Equal(new CidrFilter("client_ip", IPAddress.Parse("10.0.0.0"), 8), F("client_ip:10.0.0.0/8"));

    [Fact]
    public void Parse_CidrV6_Cidr() => Assert.Equal(new CidrFilter("client_ip", IPAddress.Parse("2001:db8::"), 32), F("client_ip:2001:db8::/32"));

    [Fact]
    public void Parse_BareCidrWithoutField_Word() => Assert.Equal(new WordFilter("_msg", "10.0.0.0/8"), F("10.0.0.0/8"));

    [Fact]
    public void Parse_NotAnAddress_Word() => Assert.Equal(new WordFilter("f", "10.0/8"), F("f:10.0/8"));

    [Fact]
    public void Parse_TimeRelative_Last() => Assert.Equal(TimeRangeFilter.Last(15 * 60 * Timestamps.NanosPerSecond), F("_time:15m"));

    [Fact]
    public void Parse_TimeRange_Between() =>
        Assert.Equal(TimeRangeFilter.Between(new TimeBound(Nov25, true), new TimeBound(Nov26, true)), F("_time:[2026-11-25T00:00:00Z TO 2026-11-26T00:00:00Z]"));

    [Fact]
    public void Parse_TimeRangeWithOffset_Utc() =>
        Assert.Equal(TimeRangeFilter.Between(new TimeBound(Nov25, false), null), F("_time:>2026-11-25T01:00:00+01:00"));

    [Fact]
    public void Parse_TimeUpperOnly_Between() => Assert.Equal(TimeRangeFilter.Between(null, new TimeBound(Nov26, false)), F("_time:<2026-11-26T00:00:00Z"));

    [Fact]
    public void Parse_TimePrefix_Prefix() => Assert.Equal(new PrefixFilter("_time", "2026-11"), F("_time:2026-11*"));

    [Fact]
    public void Parse_TimeExists_Exists() => Assert.Equal(new ExistsFilter("_time"), F("_time:*"));

    [Fact]
    public void Parse_FieldNameChars_Accepted() => Assert.Equal(new WordFilter("@timestamp.v-1_x", "a"), F("@timestamp.v-1_x:a"));

    [Fact]
    public void Parse_QuotedFieldName_Field() =>
        Assert.Equal(new RangeFilter("count()", new RangeBound("100", false), null), F("\"count()\":>100"));

    [Fact]
    public void Parse_Juxtaposition_And() =>
        Assert.Equal(new AndFilter([new WordFilter("_msg", "a"), new WordFilter("_msg", "b")]), F("a b"));

    [Fact]
    public void Parse_ExplicitAnd_FlatAnd() =>
        Assert.Equal(new AndFilter([W("a"), W("b"), W("c")]), F("a AND b c"));

    [Fact]
    public void Parse_AndBindsTighterThanOr_OrOfAnds() =>
        Assert.Equal(new OrFilter([W("a"), new AndFilter([W("b"), W("c")])]), F("a OR b c"));

    [Fact]
    public void Parse_NotBindsTightest_NotOnFirstOnly() =>
        Assert.Equal(new AndFilter([new NotFilter(W("a")), W("b")]), F("NOT a b"));

    [Fact]
    public void Parse_Minus_Not() => Assert.Equal(new AndFilter([W("a"), new NotFilter(new WordFilter("level", "debug"))]), F("a -level:debug"));

    [Fact]
    public void Parse_MinusInsideWord_Word() => Assert.Equal(W("a-b"), F("a-b"));

    [Fact]
    public void Parse_Parentheses_Group() =>
        Assert.Equal(new AndFilter([new OrFilter([W("a"), W("b")]), W("c")]), F("(a OR b) c"));

    [Fact]
    public void Parse_NestedAndInParentheses_KeptNested() =>
        Assert.Equal(new AndFilter([W("a"), new AndFilter([W("b"), W("c")])]), F("a AND (b AND c)"));

    [Fact]
    public void Parse_LowerCaseKeywords_Words() =>
        Assert.Equal(new AndFilter([W("a"), W("and"), W("b"), W("or"), W("not")]), F("a and b or not"));

    [Fact]
    public void Parse_KeywordAsFieldName_Field() => Assert.Equal(new WordFilter("NOT", "x"), F("NOT:x"));

    [Fact]
    public void Parse_KeywordPrefix_Word() => Assert.Equal(W("NOTE"), F("NOTE"));

    [Fact]
    public void Parse_DoubleNot_Nested() => Assert.Equal(new NotFilter(new NotFilter(W("a"))), F("NOT -a"));

    [Fact]
    public void Parse_Multiline_Parsed() => Assert.Equal(new OrFilter([W("a"), W("b")]), F("a\nOR\r\n\tb"));

    [Fact]
    public void Parse_UnicodeWord_Word() => Assert.Equal(W("café"), F("café"));

    [Fact]
    public void Parse_BracketWordWithoutField_Word() => Assert.Equal(W("[ERROR]"), F("[ERROR]"));

    [Fact]
    public void ReferencedFields_MixedFilter_AllFieldsRead() =>
        Assert.Equal(["_msg", "_time", "host", "status"], F("error host:web* NOT status:>=500 _time:5m").ReferencedFields().Order(StringComparer.Ordinal));

    private static WordFilter W(string word) => new("_msg", word);
}
