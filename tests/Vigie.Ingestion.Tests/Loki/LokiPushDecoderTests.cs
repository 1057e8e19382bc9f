using System.Text;
using Google.Protobuf;
using Vigie.Core;
using Vigie.Ingestion.Loki;
using Vigie.Ingestion.Loki.Proto;
using Vigie.Ingestion.Protocols;

namespace Vigie.Ingestion.Tests.Loki;

public sealed class LokiPushDecoderTests
{
    internal static byte[] SnappyPush()
    {
        var entry = new EntryAdapter { Timestamp = new Vigie.Ingestion.Loki.Proto.Timestamp { Seconds = 1_764_064_801, Nanos = 5 }, Line = "GET /x 200" };
        entry.StructuredMetadata.Add(new LabelPairAdapter { Name = "trace_id", Value = "abc" });
        var stream = new StreamAdapter { Labels = "{job=\"web\", host=\"h\\\"1\"}" };
        stream.Entries.Add(entry);
        stream.Entries.Add(new EntryAdapter { Timestamp = new Vigie.Ingestion.Loki.Proto.Timestamp { Seconds = 1_764_064_802 }, Line = "second" });
        var request = new PushRequest();
        request.Streams.Add(stream);
        return Snappier.Snappy.CompressToArray(request.ToByteArray());
    }

    internal static (List<LogEvent> Events, DecodeReport Report) Protobuf(byte[] body, long max = 1 << 20)
    {
        var batch = new EventBatch();
        var report = new DecodeReport();
        LokiPushDecoder.DecodeProtobuf(body, max, batch, null, Decode.Now, report);
        Assert.Equal(batch.Count, report.Accepted);
        return ([.. batch.ToLogEvents()], report);
    }

    internal static (List<LogEvent> Events, DecodeReport Report) Json(string body)
    {
        var batch = new EventBatch();
        var report = new DecodeReport();
        LokiPushDecoder.DecodeJson(Encoding.UTF8.GetBytes(body), batch, null, Decode.Now, report);
        Assert.Equal(batch.Count, report.Accepted);
        return ([.. batch.ToLogEvents()], report);
    }

    [Fact]
    public void DecodeProtobuf_SnappyPush_LabelsAreFieldsAndStreamMetadataAreFields()
    {
        var (events, report) = Protobuf(SnappyPush());

        Assert.Equal(2, report.Accepted);
        var e = events[0];
        Assert.Equal(1_764_064_801_000_000_005, e.TimeNs);
        Assert.Equal("GET /x 200", e.Field("_msg"));
        Assert.Equal("web", e.Field("job"));
        Assert.Equal("h\"1", e.Field("host"));
        Assert.Equal("abc", e.Field("trace_id"));
        Assert.Equal("{host=\"h\\\"1\",job=\"web\"}", e.Stream.Text);
    }

    [Fact]
    public void DecodeProtobuf_SnappyBombClaimingHugeLength_RejectedBeforeInflating()
    {
        var zeros = Snappier.Snappy.CompressToArray(new byte[8 * 1024 * 1024]);

        var error = Assert.Throws<MalformedBodyException>(() => Protobuf(zeros, max: 1024 * 1024));

        Assert.Contains("inflates", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3, 4, 5 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0 })]
    public void DecodeProtobuf_NotSnappy_ThrowsMalformedBody(byte[] body)
    {
        Assert.Throws<MalformedBodyException>(() => Protobuf(body));
    }

    [Fact]
    public void DecodeJson_ValuesWithMetadata_AndOldEntriesFormat()
    {
        var (events, report) = Json("""
            {"streams":[
              {"stream":{"app":"a","level":"warn"},"values":[["1764064801000000000","one"],["1764064802000000000","two",{"user":"u1","level":"warn"}]]},
              {"labels":"{app=\"b\"}","entries":[{"ts":"2025-11-25T10:00:03Z","line":"three"}]}
            ]}
            """);

        Assert.Equal(3, report.Accepted);
        Assert.Equal(["one", "two", "three"], events.Select(e => e.Field("_msg")));
        Assert.Equal("warning", events[0].Field("level"));
        Assert.Equal("u1", events[1].Field("user"));
        Assert.Single(events[1].Fields, f => f.Key == "level");
        Assert.Equal("b", events[2].Field("app"));
        Assert.Equal(1_764_064_803_000_000_000, events[2].TimeNs);
    }

    [Fact]
    public void DecodeJson_BadEntryAmongGood_RejectsOnlyIt()
    {
        var (events, report) = Json("""{"streams":[{"stream":{"app":"a"},"values":[["1764064801000000000","one"],["yesterday","bad"],["1764064802000000000",5],["1764064803000000000","four"]]}]}""");

        Assert.Equal(["one", "four"], events.Select(e => e.Field("_msg")));
        Assert.Equal(2, report.Rejected);
        Assert.Contains("value 1", report.Errors[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{app=\"a\"}", true)]
    [InlineData("{}", true)]
    [InlineData("{a=\"1\",b=\"x,y\"}", true)]
    [InlineData("app=\"a\"", false)]
    [InlineData("{app=a}", false)]
    [InlineData("{app=\"a}", false)]
    public void LokiLabels_Parse(string text, bool valid)
    {
        var labels = LokiLabels.Parse(text, out var error);

        Assert.Equal(valid, labels is not null);
        Assert.Equal(valid, error is null);
    }
}
