using System.Text;
using Vigie.Core;
using Vigie.Ingestion.Elasticsearch;
using Vigie.Ingestion.Protocols;

namespace Vigie.Ingestion.Tests.Elasticsearch;

public sealed class BulkDecoderTests
{
    internal static (List<LogEvent> Events, List<BulkItem> Items, DecodeReport Report) Run(string body, string? index = null) =>
        Run(Encoding.UTF8.GetBytes(body), index);

    internal static (List<LogEvent> Events, List<BulkItem> Items, DecodeReport Report) Run(byte[] body, string? index = null)
    {
        var batch = new EventBatch();
        var items = new List<BulkItem>();
        var report = new DecodeReport();
        new BulkDecoder(StreamFields.Parse("_index,host.name"), Decode.Now).Decode(body, index, batch, items, report);
        Assert.Equal(batch.Count, report.Accepted);
        return ([.. batch.ToLogEvents()], items, report);
    }

    [Fact]
    public void Decode_IndexAndCreateActions_MapTimestampMessageAndIndex()
    {
        var (events, items, report) = Run("""
            {"index":{"_index":"web","_type":"_doc"}}
            {"@timestamp":"2026-11-25T10:00:01.5Z","message":"GET / 200","host":{"name":"h1"},"http":{"status":200},"tags":["a","b"]}
            {"create":{"_index":"web","_id":"x1"}}
            {"@timestamp":1764064800000,"message":"second"}

            """);

        Assert.Equal(2, report.Accepted);
        Assert.Equal(0, report.Rejected);
        Assert.Equal([201, 201], items.Select(i => i.Status));
        Assert.Equal("x1", items[1].Id);
        Assert.Equal("create", items[1].Action);
        var first = events[0];
        Assert.Equal(Timestamps.FromDateTime(new DateTime(2026, 11, 25, 10, 0, 1, 500, DateTimeKind.Utc)), first.TimeNs);
        Assert.Equal("GET / 200", first.Field("_msg"));
        Assert.Equal("h1", first.Field("host.name"));
        Assert.Equal("200", first.Field("http.status"));
        Assert.Equal("[\"a\",\"b\"]", first.Field("tags"));
        Assert.Equal("web", first.Field("_index"));
        Assert.Equal("{_index=\"web\",host.name=\"h1\"}", first.Stream.Text);
        Assert.Equal(1_764_064_800_000_000_000, events[1].TimeNs);
    }

    [Theory]
    [InlineData("{\"log\":{\"level\":\"WARN\"}}", "warning", "log.level", "WARN")]
    [InlineData("{\"level\":\"Information\"}", "info", null, null)]
    [InlineData("{\"severity\":\"err\",\"level\":\"ignored\"}", "error", "severity", "err")]
    [InlineData("{\"level\":\"chatty\"}", "chatty", null, null)]
    public void Decode_SeverityFields_NormalisedIntoLevel(string doc, string level, string? kept, string? keptValue)
    {
        var (events, _, _) = Run("{\"index\":{\"_index\":\"a\"}}\n" + doc + "\n");

        var e = Assert.Single(events);
        Assert.Equal(level, e.Field("level"));
        Assert.Single(e.Fields, f => f.Key == "level");
        if (kept is not null)
        {
            Assert.Equal(keptValue, e.Field(kept));
        }
    }

    [Fact]
    public void Decode_IndexFromUrl_UsedWhenTheActionNamesNone()
    {
        var (events, items, _) = Run("{\"index\":{}}\n{\"message\":\"m\"}\n", index: "from-url");

        Assert.Equal("from-url", Assert.Single(events).Field("_index"));
        Assert.Equal("from-url", Assert.Single(items).Index);
    }

    [Fact]
    public void Decode_BadDocumentAmongGood_RejectsOnlyIt()
    {
        var (events, items, report) = Run("{\"index\":{\"_index\":\"a\"}}\n{\"message\":\"one\"}\n{\"index\":{\"_index\":\"a\"}}\n{\"message\": oops}\n{\"index\":{\"_index\":\"a\"}}\n{\"message\":\"three\"}\n");

        Assert.Equal(["one", "three"], events.Select(e => e.Field("_msg")));
        Assert.Equal([201, 400, 201], items.Select(i => i.Status));
        Assert.Equal(1, report.Rejected);
        Assert.Contains("line 4", report.FirstError, StringComparison.Ordinal);
        Assert.Contains("invalid JSON", items[1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_DeleteAndUpdate_AreAnsweredAsErrorsAndKeepThePairing()
    {
        var (events, items, report) = Run("{\"delete\":{\"_index\":\"a\",\"_id\":\"1\"}}\n{\"update\":{\"_index\":\"a\",\"_id\":\"2\"}}\n{\"doc\":{\"x\":1}}\n{\"index\":{\"_index\":\"a\"}}\n{\"message\":\"kept\"}\n");

        Assert.Equal("kept", Assert.Single(events).Field("_msg"));
        Assert.Equal(["delete", "update", "index"], items.Select(i => i.Action));
        Assert.Equal([400, 400, 201], items.Select(i => i.Status));
        Assert.Equal(2, report.Rejected);
    }

    [Fact]
    public void Decode_NoIndexAnywhere_RejectsTheAction()
    {
        var (events, items, report) = Run("{\"index\":{}}\n{\"message\":\"m\"}\n");

        Assert.Empty(events);
        Assert.Equal(400, items[0].Status);
        Assert.True(report.Rejected >= 1);
    }

    [Fact]
    public void Decode_InvalidUtf8Document_RejectedWithReason()
    {
        var body = Encoding.UTF8.GetBytes("{\"index\":{\"_index\":\"a\"}}\n{\"message\":\"X\"}\n{\"index\":{\"_index\":\"a\"}}\n{\"message\":\"ok\"}\n");
        body[Array.IndexOf(body, (byte)'X')] = 0xC3;

        var (events, items, _) = Run(body);

        Assert.Equal("ok", Assert.Single(events).Field("_msg"));
        Assert.Contains("UTF-8", items[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_TenThousandFieldsAndTenMegabyteMessage_AreKept()
    {
        var doc = new StringBuilder("{\"message\":\"").Append('x', 10 * 1024 * 1024).Append('"');
        for (var i = 0; i < 10_000; i++)
        {
            doc.Append(",\"f").Append(i).Append("\":").Append(i);
        }
        doc.Append('}');

        var (events, _, report) = Run("{\"index\":{\"_index\":\"big\"}}\n" + doc + "\n");

        Assert.Equal(1, report.Accepted);
        var e = Assert.Single(events);
        Assert.Equal(10 * 1024 * 1024, e.Field("_msg")!.Length);
        Assert.Equal("9999", e.Field("f9999"));
    }

    [Fact]
    public void Decode_DeeplyNestedDocument_RejectedNotThrown()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 500)) + "1" + new string('}', 500);

        var (events, items, report) = Run("{\"index\":{\"_index\":\"a\"}}\n" + deep + "\n");

        Assert.Empty(events);
        Assert.Equal(1, report.Rejected);
        Assert.Equal(400, Assert.Single(items).Status);
    }
}
