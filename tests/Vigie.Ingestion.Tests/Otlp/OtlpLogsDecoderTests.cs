using System.Text;
using Google.Protobuf;
using Vigie.Core;
using Vigie.Ingestion.Otlp;
using Vigie.Ingestion.Otlp.Proto;
using Vigie.Ingestion.Protocols;

namespace Vigie.Ingestion.Tests.Otlp;

public sealed class OtlpLogsDecoderTests
{
    internal static ExportLogsServiceRequest Sample()
    {
        var record = new LogRecord
        {
            TimeUnixNano = 1_764_064_801_000_000_123,
            SeverityNumber = 17,
            SeverityText = "ERROR",
            Body = new AnyValue { StringValue = "disk full" },
            TraceId = ByteString.CopyFrom(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray()),
            SpanId = ByteString.CopyFrom(Enumerable.Range(1, 8).Select(i => (byte)i).ToArray()),
        };
        record.Attributes.Add(new KeyValue { Key = "http.status", Value = new AnyValue { IntValue = 507 } });
        record.Attributes.Add(new KeyValue { Key = "ok", Value = new AnyValue { BoolValue = false } });
        var nested = new KeyValueList();
        nested.Values.Add(new KeyValue { Key = "id", Value = new AnyValue { StringValue = "u1" } });
        record.Attributes.Add(new KeyValue { Key = "user", Value = new AnyValue { KvlistValue = nested } });
        var list = new ArrayValue();
        list.Values.Add(new AnyValue { StringValue = "a" });
        list.Values.Add(new AnyValue { IntValue = 2 });
        record.Attributes.Add(new KeyValue { Key = "tags", Value = new AnyValue { ArrayValue = list } });
        var resource = new Resource();
        resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "api" } });
        resource.Attributes.Add(new KeyValue { Key = "host.name", Value = new AnyValue { StringValue = "node-2" } });
        resource.Attributes.Add(new KeyValue { Key = "deployment.environment", Value = new AnyValue { StringValue = "prod" } });
        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "app.db" } };
        scope.LogRecords.Add(record);
        scope.LogRecords.Add(new LogRecord { SeverityText = "Warning", Body = new AnyValue { StringValue = "slow" } });
        var resourceLogs = new ResourceLogs { Resource = resource };
        resourceLogs.ScopeLogs.Add(scope);
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(resourceLogs);
        return request;
    }

    internal static List<LogEvent> Map(ExportLogsServiceRequest request, bool hexIds = false)
    {
        var batch = new EventBatch();
        var report = new DecodeReport();
        OtlpLogsDecoder.Map(request, batch, StreamFields.Parse("service,host"), Decode.Now, report, hexIds);
        Assert.Equal(batch.Count, report.Accepted);
        return [.. batch.ToLogEvents()];
    }

    [Fact]
    public void Map_Protobuf_MapsResourceSeverityBodyAttributesAndIds()
    {
        var request = OtlpLogsDecoder.ParseProtobuf(Sample().ToByteArray());

        var events = Map(request);

        Assert.Equal(2, events.Count);
        var e = events[0];
        Assert.Equal(1_764_064_801_000_000_123, e.TimeNs);
        Assert.Equal("disk full", e.Field("_msg"));
        Assert.Equal("api", e.Field("service"));
        Assert.Equal("node-2", e.Field("host"));
        Assert.Equal("prod", e.Field("deployment.environment"));
        Assert.Equal("error", e.Field("level"));
        Assert.Equal("507", e.Field("http.status"));
        Assert.Equal(ValueKind.Number, e.Get("http.status")!.Value.Kind);
        Assert.Equal("false", e.Field("ok"));
        Assert.Equal("u1", e.Field("user.id"));
        Assert.Equal("[\"a\",2]", e.Field("tags"));
        Assert.Equal("app.db", e.Field("scope"));
        Assert.Equal("0102030405060708090a0b0c0d0e0f10", e.Field("trace_id"));
        Assert.Equal("0102030405060708", e.Field("span_id"));
        Assert.Equal("{host=\"node-2\",service=\"api\"}", e.Stream.Text);
        Assert.Equal("warning", events[1].Field("level"));
        Assert.Equal(Decode.Now, events[1].TimeNs);
    }

    [Fact]
    public void ParseJson_OtlpJsonWithHexIdsAndStringIntegers_MapsLikeProtobuf()
    {
        var json = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},
              "scopeLogs":[{"scope":{"name":"s"},"logRecords":[{"timeUnixNano":"1764064801000000123","severityNumber":9,
                "body":{"stringValue":"hello"},"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
                "attributes":[{"key":"n","value":{"intValue":"42"}},{"key":"unknownField","value":{"doubleValue":1.5}}],"futureField":1}]}]}]}
            """;

        var e = Assert.Single(Map(OtlpLogsDecoder.ParseJson(Encoding.UTF8.GetBytes(json)), hexIds: true));

        Assert.Equal("hello", e.Field("_msg"));
        Assert.Equal("info", e.Field("level"));
        Assert.Equal("42", e.Field("n"));
        Assert.Equal("1.5", e.Field("unknownField"));
        Assert.Equal("5b8efff798038103d269b633813fc60c", e.Field("trace_id"));
        Assert.Equal("eee19b7ec3c1b174", e.Field("span_id"));
        Assert.Equal(1_764_064_801_000_000_123, e.TimeNs);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"resourceLogs\":5}")]
    [InlineData("[1,2]")]
    public void ParseJson_NotOtlp_ThrowsMalformedBody(string body)
    {
        Assert.Throws<MalformedBodyException>(() => OtlpLogsDecoder.ParseJson(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void ParseProtobuf_Truncated_ThrowsMalformedBody()
    {
        var bytes = Sample().ToByteArray();

        Assert.Throws<MalformedBodyException>(() => OtlpLogsDecoder.ParseProtobuf(bytes.AsSpan(0, bytes.Length - 3)));
    }
}
