using System.Net;
using Vigie.Cli.Arguments;
using Vigie.Cli.Commands;
using Vigie.Cli.Query;

namespace Vigie.Cli.Tests;

public class QueryCommandTests
{
    private const long Now = 1_764_064_800_000_000_000; // 2025-11-25T10:00:00Z

    [Fact]
    public void BuildPath_RelativeStart_BecomesAbsolute()
    {
        var path = QueryCommand.BuildPath("error | stats count()", "-1h", "now", "10", Now);

        Assert.Equal("/api/v1/query?q=error%20%7C%20stats%20count%28%29&start=2025-11-25T09%3A00%3A00Z&end=2025-11-25T10%3A00%3A00Z&limit=10", path);
    }

    [Theory]
    [InlineData("yesterday", null, null, "invalid --start 'yesterday': expected RFC 3339, a date, an epoch, now, or an age like -1h")]
    [InlineData(null, null, "ten", "invalid --limit 'ten': expected a positive whole number")]
    [InlineData(null, null, "0", "invalid --limit '0': expected a positive whole number")]
    public void BuildPath_BadBound_NamesTheFlag(string? start, string? end, string? limit, string message)
    {
        var e = Assert.Throws<UsageException>(() => QueryCommand.BuildPath("q", start, end, limit, Now));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Format_ErrorWithColumn_PutsCaretUnderIt()
    {
        var text = QueryErrorFormatter.Format("_time:5m | stats count(", "unexpected end of query: expected ')'", 1, 24);

        Assert.Equal(
            """
            error: unexpected end of query: expected ')'
              _time:5m | stats count(
                                     ^

            """,
            text);
    }

    [Fact]
    public void Format_ErrorOnSecondLine_ShowsThatLine()
    {
        var text = QueryErrorFormatter.Format("error\n\t| bogus", "unknown pipe 'bogus'", 2, 4);

        Assert.Equal("error: unknown pipe 'bogus'\n  \t| bogus\n  \t  ^\n", text);
    }

    [Fact]
    public void DescribeFailure_BadRequestWithPosition_ShowsCaret()
    {
        var text = QueryCommand.DescribeFailure("a ) b", HttpStatusCode.BadRequest, """{"error":"unexpected ')'","line":1,"column":3}""");

        Assert.Equal("error: unexpected ')'\n  a ) b\n    ^\n", text);
    }

    [Fact]
    public void DescribeFailure_ServerError_ShowsStatusAndMessage()
    {
        var text = QueryCommand.DescribeFailure("a", HttpStatusCode.InternalServerError, """{"error":"disk full"}""");

        Assert.Equal("vigie query: the server answered 500 InternalServerError: disk full\n", text);
    }

    [Theory]
    [InlineData("ndjson", "{\"a\":1}\n{\"a\":2}\n")]
    [InlineData("json", "[\n{\"a\":1},\n{\"a\":2}\n]\n")]
    [InlineData("table", "a\n1\n2\n")]
    public async Task WriteResultsAsync_EachFormat_PrintsRows(string format, string expected)
    {
        var console = new TestConsole();

        await QueryCommand.WriteResultsAsync(new StringReader("{\"a\":1}\n\n{\"a\":2}\n"), format, console.Build(), CancellationToken.None);

        Assert.Equal(expected, console.Out.ToString());
    }

    [Fact]
    public async Task WriteResultsAsync_JsonWithoutRows_IsAnEmptyArray()
    {
        var console = new TestConsole();

        await QueryCommand.WriteResultsAsync(new StringReader(""), "json", console.Build(), CancellationToken.None);

        Assert.Equal("[]\n", console.Out.ToString());
    }
}
