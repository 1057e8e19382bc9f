using Vigie.Cli.Query;

namespace Vigie.Cli.Tests;

public class TableFormatterTests
{
    private static string Table(int? width, params string[] lines) =>
        TableFormatter.Format([.. lines.Select(TableFormatter.ParseRow)], width);

    [Fact]
    public void Format_Events_TimeFirstMessageLastNumbersRight()
    {
        var table = Table(
            null,
            """{"_time":"2025-11-25T10:00:00Z","_stream":"{host=\"web-1\"}","_msg":"boom","status":500,"path":"/a"}""",
            """{"_time":"2025-11-25T10:00:01.5Z","_stream":"{host=\"web-22\"}","_msg":"ok","status":200,"path":"/bb","user":"ann"}""");

        Assert.Equal(
            """
            _time                   _stream          status  path  user  _msg
            2025-11-25T10:00:00Z    {host="web-1"}      500  /a          boom
            2025-11-25T10:00:01.5Z  {host="web-22"}     200  /bb   ann   ok

            """,
            table);
    }

    [Fact]
    public void Format_EventsWithEmptyStream_HideTheStreamColumn()
    {
        var table = Table(
            null,
            """{"_time":"2025-11-25T10:00:00Z","_stream":"{}","_msg":"a\tb\nc"}""");

        Assert.Equal(
            """
            _time                 _msg
            2025-11-25T10:00:00Z  a\tb\nc

            """,
            table);
    }

    [Fact]
    public void Format_TerminalWidth_CutsTheMessage()
    {
        var table = Table(
            40,
            """{"_time":"2025-11-25T10:00:00Z","_stream":"{}","level":"warn","_msg":"a very long message that does not fit on the line"}""");

        Assert.Equal(
            """
            _time                 level  _msg
            2025-11-25T10:00:00Z  warn   a very long message…

            """,
            table);
    }

    [Fact]
    public void Format_StatsRows_KeepKeyOrderAndAlignNumbersRight()
    {
        var table = Table(
            20,
            """{"service":"nginx","count(*)":"1234","avg":12.5}""",
            """{"service":"api-gateway","count(*)":"7","avg":3}""");

        Assert.Equal(
            """
            service      count(*)   avg
            nginx            1234  12.5
            api-gateway         7     3

            """,
            table);
    }

    [Fact]
    public void Format_MixedValues_LeftAlignsAndShowsJson()
    {
        var table = Table(
            null,
            """{"k":"1","v":[1,2],"b":true,"n":null}""",
            """{"k":"x","v":{"a":1},"b":false}""");

        Assert.Equal(
            """
            k  v        b      n
            1  [1,2]    true
            x  {"a":1}  false

            """,
            table);
    }

    [Fact]
    public void Format_NoRows_IsEmpty()
    {
        Assert.Equal("", TableFormatter.Format([], 80));
    }
}
