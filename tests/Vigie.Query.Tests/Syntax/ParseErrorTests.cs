using Vigie.Query.Syntax;

namespace Vigie.Query.Tests.Syntax;

public class ParseErrorTests
{
    [Theory]
    [InlineData("error status:", "line 1, column 14: expected a value after ':'")]
    [InlineData("status: 500", "line 1, column 8: expected a value after ':'")]
    [InlineData("a AND", "line 1, column 6: expected a filter after 'AND'")]
    [InlineData("a AND OR b", "line 1, column 7: expected a filter after 'AND'")]
    [InlineData("a OR", "line 1, column 5: expected a filter after 'OR'")]
    [InlineData("NOT", "line 1, column 4: expected a filter after 'NOT'")]
    [InlineData("a - b", "line 1, column 4: expected a filter right after '-'")]
    [InlineData("-", "line 1, column 2: expected a filter right after '-'")]
    [InlineData("OR a", "line 1, column 1: expected a filter")]
    [InlineData(")", "line 1, column 1: expected a filter")]
    [InlineData("a)", "line 1, column 2: unexpected ')'")]
    [InlineData("(a", "line 1, column 3: expected ')'")]
    [InlineData("()", "line 1, column 2: expected a filter after '('")]
    [InlineData("\"abc", "line 1, column 1: unterminated quoted string")]
    [InlineData("\"abc\\", "line 1, column 1: unterminated quoted string")]
    [InlineData("\"a\\nb\"", "line 1, column 3: invalid escape '\\n' in a quoted string: only \\\" and \\\\ are allowed")]
    [InlineData("\"\":x", "line 1, column 1: a field name cannot be empty")]
    [InlineData("a\"b\"", "line 1, column 2: expected a space, ')' or '|' after the value")]
    [InlineData("\"a\"b", "line 1, column 4: expected a space, ')' or '|' after the value")]
    [InlineData("f:[1 TO 2]x", "line 1, column 11: expected a space, ')' or '|' after the value")]
    [InlineData("a*b", "line 1, column 2: '*' is only allowed at the end of a value")]
    [InlineData("f:**", "line 1, column 3: '*' is only allowed at the end of a value")]
    [InlineData("f:/(/", "line 1, column 3: invalid regular expression: Invalid pattern '(' at offset 1. Not enough )'s.")]
    [InlineData("path:/api", "line 1, column 6: a value starting with '/' is a regex and needs a closing '/'; quote it to search for the text")]
    [InlineData("/a OR b", "line 1, column 1: a value starting with '/' is a regex and needs a closing '/'; quote it to search for the text")]
    [InlineData("f:/a/\"x\"", "line 1, column 6: expected a space, ')' or '|' after the value")]
    [InlineData("f:[", "line 1, column 4: expected a lower bound after '['")]
    [InlineData("f:{ ", "line 1, column 5: expected a lower bound after '{'")]
    [InlineData("f:[1 2]", "line 1, column 6: expected 'TO' after the lower bound")]
    [InlineData("f:[1 TO ]", "line 1, column 9: expected an upper bound after 'TO'")]
    [InlineData("f:[1 TO 2", "line 1, column 10: expected ']' or '}' to close the range")]
    [InlineData("f:>=", "line 1, column 5: expected a value after '>='")]
    [InlineData("f:> 1", "line 1, column 4: expected a value after '>'")]
    [InlineData("f:<*", "line 1, column 4: expected a value after '<'")]
    [InlineData("ip:10.0.0.0/33", "line 1, column 13: the prefix length of a CIDR must be between 0 and 32")]
    [InlineData("ip:::1/129", "line 1, column 8: the prefix length of a CIDR must be between 0 and 128")]
    [InlineData("_time:15min", "line 1, column 7: expected a duration (e.g. 15m) or a time range after '_time:'")]
    [InlineData("_time:[yesterday TO *]", "line 1, column 8: expected an RFC 3339 time such as 2026-11-25T00:00:00Z")]
    [InlineData("_time:>=2026-13-01T00:00:00Z", "line 1, column 9: expected an RFC 3339 time such as 2026-11-25T00:00:00Z")]
    [InlineData("a |", "line 1, column 4: expected a pipe after '|': stats, sort, limit, fields, where or top")]
    [InlineData("a | count", "line 1, column 5: unknown pipe 'count': expected stats, sort, limit, fields, where or top")]
    [InlineData("a | stats", "line 1, column 10: expected a stats function after 'stats'")]
    [InlineData("a | stats count(),", "line 1, column 19: expected a stats function after ','")]
    [InlineData("a | stats total(x)", "line 1, column 11: unknown stats function 'total': expected count, count_distinct, sum, avg, min, max or a percentile such as p99")]
    [InlineData("a | stats p101(x)", "line 1, column 11: unknown stats function 'p101': expected count, count_distinct, sum, avg, min, max or a percentile such as p99")]
    [InlineData("a | stats count", "line 1, column 16: expected '(' after 'count'")]
    [InlineData("a | stats sum(,)", "line 1, column 15: expected a field name or ')' after 'sum('")]
    [InlineData("a | stats sum(x", "line 1, column 16: expected ')' after the field name")]
    [InlineData("a | stats sum()", "line 1, column 11: sum needs a field, e.g. sum(duration)")]
    [InlineData("a | stats count() as", "line 1, column 21: expected a name after 'as'")]
    [InlineData("a | stats count() x", "line 1, column 19: expected ',', 'by', '|' or the end of the query")]
    [InlineData("a | stats count() by", "line 1, column 21: expected a field name after 'by'")]
    [InlineData("a | stats count() by (", "line 1, column 23: expected a field name after '('")]
    [InlineData("a | stats count() by (a,", "line 1, column 25: expected a field name after ','")]
    [InlineData("a | stats count() by (a", "line 1, column 24: expected ',' or ')'")]
    [InlineData("a | stats count() by (host:1h)", "line 1, column 27: only _time can be bucketed, e.g. by (_time:1h)")]
    [InlineData("a | stats count() by (_time:1x)", "line 1, column 29: expected a duration after '_time:', e.g. 1h")]
    [InlineData("a | stats count() by (a) b", "line 1, column 26: expected '|' or the end of the query")]
    [InlineData("a | stats count() by (\"\")", "line 1, column 23: a field name cannot be empty")]
    [InlineData("a | sort f", "line 1, column 10: expected 'by' after 'sort'")]
    [InlineData("a | sort by (f down)", "line 1, column 16: expected ',' or ')'")]
    [InlineData("a | limit", "line 1, column 10: expected a number after 'limit'")]
    [InlineData("a | limit -1", "line 1, column 11: expected a number after 'limit'")]
    [InlineData("a | limit 99999999999", "line 1, column 11: expected a number after 'limit'")]
    [InlineData("a | limit 5 6", "line 1, column 13: expected '|' or the end of the query")]
    [InlineData("a | fields", "line 1, column 11: expected a field name after 'fields'")]
    [InlineData("a | where", "line 1, column 10: expected a filter after 'where'")]
    [InlineData("a | where | limit 1", "line 1, column 11: expected a filter after 'where'")]
    [InlineData("a | where b)", "line 1, column 12: unexpected ')'")]
    [InlineData("a | top by (f)", "line 1, column 9: expected a number after 'top'")]
    [InlineData("a | top 3 (f)", "line 1, column 11: expected 'by' after the number of 'top'")]
    [InlineData("a\n| stats\n  count(", "line 3, column 9: expected a field name or ')' after 'count('")]
    public void Parse_Invalid_ThrowsWithLocation(string text, string message)
    {
        var e = Assert.Throws<QueryParseException>(() => ParsedQuery.Parse(text));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Parse_Invalid_ExposesLinePositionAndReason()
    {
        var e = Assert.Throws<QueryParseException>(() => ParsedQuery.Parse("a\n  b:"));
        Assert.Equal((2, 5, 6, "expected a value after ':'"), (e.Line, e.Column, e.Position, e.Reason));
    }
}
