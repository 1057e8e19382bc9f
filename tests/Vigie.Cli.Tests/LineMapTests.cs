using System.Net;
using Vigie.Cli.Ingest;

namespace Vigie.Cli.Tests;

public class LineMapTests
{
    [Fact]
    public void Resolve_BatchSpanningTwoFiles_GivesEachFileItsOwnLines()
    {
        var map = new LineMap();
        for (var line = 998; line <= 1000; line++)
        {
            map.Add(0, line);
        }
        for (var line = 1; line <= 4; line++)
        {
            map.Add(1, line);
        }

        Assert.Equal(7, map.Lines);
        Assert.Equal((0, 998L), map.Resolve(1));
        Assert.Equal((0, 1000L), map.Resolve(3));
        Assert.Equal((1, 1L), map.Resolve(4));
        Assert.Equal((1, 4L), map.Resolve(7));
    }

    [Fact]
    public void Resolve_OutOfRange_Throws()
    {
        var map = new LineMap();
        map.Add(0, 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => map.Resolve(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.Resolve(0));
    }

    [Fact]
    public void Record_ServerErrors_AreToldAsFileAndLine()
    {
        var map = new LineMap();
        map.Add(0, 41);
        map.Add(0, 42);
        map.Add(1, 1);
        var totals = new IngestTotals(["app.log", "-"]);
        var outcome = BatchSender.Read(HttpStatusCode.OK, """{"accepted":1,"rejected":2,"errors":[{"line":3,"error":"bad _time"},{"line":2,"error":"invalid JSON"}]}""");

        totals.Record(new PendingBatch(1, Array.Empty<byte>(), map), outcome);

        Assert.Equal(["app.log:42: invalid JSON", "stdin:1: bad _time"], totals.Errors());
        Assert.Equal(1, totals.Accepted);
        Assert.Equal(2, totals.Rejected);
        Assert.False(totals.Succeeded);
    }

    [Fact]
    public void Summary_AfterSuccess_SaysHowManyFromWhere()
    {
        var map = new LineMap();
        map.Add(0, 1);
        var totals = new IngestTotals(["app.log"]);
        totals.Record(new PendingBatch(1, Array.Empty<byte>(), map), BatchSender.Read(HttpStatusCode.OK, """{"accepted":310000,"rejected":0,"errors":[]}"""));

        Assert.Equal("ingested 310000 events (0 rejected) from app.log in 1.0 s, 310k events/s\n", totals.Summary(TimeSpan.FromSeconds(1)));
        Assert.True(totals.Succeeded);
    }

    [Fact]
    public void Read_ErrorAnswer_IsAFailedBatch()
    {
        var outcome = BatchSender.Read(HttpStatusCode.RequestEntityTooLarge, """{"error":"request body is larger than 1000 bytes"}""");

        Assert.Equal("the server answered 413 RequestEntityTooLarge: request body is larger than 1000 bytes", outcome.Failure);
    }
}
