using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck.Xunit;
using Google.Protobuf;
using Vigie.Core;
using Vigie.Ingestion.Otlp;
using Vigie.Ingestion.Otlp.Proto;
using Vigie.Ingestion.Protocols;

namespace Vigie.Ingestion.Tests.Otlp;

/// <summary>
/// The wire decoder against the reference (Google.Protobuf's parser, then <see cref="OtlpLogsDecoder.Map"/>):
/// the same events, field for field, for random requests and for damaged ones the reference accepts.
/// </summary>
public sealed class OtlpWireDecoderDifferentialTests
{
    private static readonly StreamFields Streams = StreamFields.Parse("service,host");

    private static readonly string[] Words =
    [
        "", "a", "service.name", "host.name", "message", "level", "_msg", "http.status", "user", "id", "é", "日本語",
        "emoji 🎉", "quote\"and\\back", "<tag>&+'", "tab\there", "line\nbreak", "control\u0001", "trace_id", "scope",
    ];

    private static readonly string[] SeverityTexts = ["", "WARN", "Information", "chatty", " info ", "INFO2", "Érreur", "e", "7"];

    internal static List<string> Reference(byte[] body)
    {
        var batch = new EventBatch();
        var report = new DecodeReport();
        OtlpLogsDecoder.Map(OtlpLogsDecoder.ParseProtobuf(body), batch, Streams, Decode.Now, report);
        Assert.Equal(batch.Count, report.Accepted);
        return [.. batch.ToLogEvents().Select(e => e.Describe())];
    }

    internal static List<string> Wire(byte[] body)
    {
        var batch = new EventBatch();
        var report = new DecodeReport();
        OtlpLogsDecoder.Decode(body, json: false, batch, Streams, Decode.Now, report);
        Assert.Equal(batch.Count, report.Accepted);
        return [.. batch.ToLogEvents().Select(e => e.Describe())];
    }

    // Two numbers make the seed: FsCheck keeps a single int small, which would repeat requests.
    [Property(MaxTest = 300)]
    public void Decode_RandomRequest_SameEventsAsTheReference(int seed, int salt)
    {
        var body = RandomRequest(new Random(Seed(seed, salt))).ToByteArray();

        Assert.Equal(Reference(body), Wire(body));
    }

    [Property(MaxTest = 500)]
    public void Decode_DamagedRequest_FailsWhenTheReferenceFails(int seed, int salt)
    {
        seed = Seed(seed, salt);
        var body = Mutate.Body(RandomRequest(new Random(seed)).ToByteArray(), seed);
        List<string>? reference;
        try
        {
            reference = Reference(body);
        }
        catch (MalformedBodyException)
        {
            reference = null;
        }
        List<string>? wire;
        try
        {
            wire = Wire(body);
        }
        catch (MalformedBodyException e)
        {
            Assert.Contains("at byte", e.Message, StringComparison.Ordinal);
            wire = null;
        }

        // Never stricter than the reference; more lenient only with what the mapping skips by its
        // length (a string it does not map with bad UTF-8, a damaged message it does not read).
        Assert.True(wire is not null || reference is null, $"the wire decoder rejected what the reference accepted");
        if (reference is not null)
        {
            Assert.Equal(reference, wire);
        }
    }

    internal static List<string> ReferenceJson(byte[] body)
    {
        var batch = new EventBatch();
        var report = new DecodeReport();
        OtlpLogsDecoder.Map(OtlpLogsDecoder.ParseJson(body), batch, Streams, Decode.Now, report, hexIds: true);
        return [.. batch.ToLogEvents().Select(e => e.Describe())];
    }

    internal static List<string> DecodeJson(byte[] body)
    {
        var batch = new EventBatch();
        var report = new DecodeReport();
        OtlpLogsDecoder.Decode(body, json: true, batch, Streams, Decode.Now, report);
        Assert.Equal(batch.Count, report.Accepted);
        return [.. batch.ToLogEvents().Select(e => e.Describe())];
    }

    /// <summary>OTLP/JSON as the SDKs write it: Google.Protobuf's JSON with the ids in hex, compact or not.</summary>
    internal static byte[] SdkJson(ExportLogsServiceRequest request, bool compact)
    {
        var node = JsonNode.Parse(JsonFormatter.Default.Format(request))!;
        HexIds(node);
        return Encoding.UTF8.GetBytes(node.ToJsonString(new JsonSerializerOptions { WriteIndented = !compact }));
    }

    private static void HexIds(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            foreach (var (name, value) in o.ToList())
            {
                if (name is "traceId" or "spanId" && value is JsonValue v && v.TryGetValue<string>(out var base64))
                {
                    o[name] = Convert.ToHexString(Convert.FromBase64String(base64));
                }
                else
                {
                    HexIds(value);
                }
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var item in a)
            {
                HexIds(item);
            }
        }
    }

    [Property(MaxTest = 200)]
    public void DecodeJson_RandomRequest_SameEventsAsTheReference(int seed, int salt, bool compact)
    {
        // Ids whose hex length is not a multiple of 4 are not base64, which the reference reads them as:
        // refused by both.
        var body = SdkJson(RandomRequest(new Random(Seed(seed, salt))), compact);

        Assert.Equal(Verdict(ReferenceJson, body), Verdict(DecodeJson, body));
    }

    /// <summary>The events, or null when the body is refused.</summary>
    private static List<string>? Verdict(Func<byte[], List<string>> decode, byte[] body)
    {
        try
        {
            return decode(body);
        }
        catch (MalformedBodyException)
        {
            return null;
        }
    }

    [Property(MaxTest = 300)]
    public void DecodeJson_DamagedRequest_SameVerdictAndEventsAsTheReference(int seed, int salt)
    {
        seed = Seed(seed, salt);
        var body = Mutate.Body(SdkJson(RandomRequest(new Random(seed)), compact: true), seed);

        Assert.Equal(Verdict(ReferenceJson, body), Verdict(DecodeJson, body));
    }

    [Fact]
    public void DecodeJson_SdkJson_TakesTheFastPath()
    {
        var request = new ExportLogsServiceRequest();
        var scope = new ScopeLogs();
        for (var i = 0; i < 1000; i++)
        {
            var record = new LogRecord { TimeUnixNano = 1_764_064_801_000_000_000 + (ulong)i, SeverityNumber = 9, Body = new AnyValue { StringValue = "record " + i } };
            record.Attributes.Add(new KeyValue { Key = "n", Value = new AnyValue { IntValue = i } });
            record.TraceId = ByteString.CopyFrom(new byte[16]);
            scope.LogRecords.Add(record);
        }
        var logs = new ResourceLogs();
        logs.ScopeLogs.Add(scope);
        request.ResourceLogs.Add(logs);
        var body = SdkJson(request, compact: true);
        var batch = new EventBatch(2000, 20_000, 1 << 20);
        OtlpLogsDecoder.Decode(body, json: true, batch, Streams, Decode.Now, new DecodeReport());
        batch.Clear();

        var before = GC.GetAllocatedBytesForCurrentThread();
        OtlpLogsDecoder.Decode(body, json: true, batch, Streams, Decode.Now, new DecodeReport());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Google.Protobuf's parser makes objects and strings for each record (over 300 KB here).
        Assert.Equal(1000, batch.Count);
        Assert.True(allocated < 20_000, $"{allocated} bytes allocated");
    }

    [Fact]
    public void Decode_InvalidUtf8InAString_RejectedAsByTheReference()
    {
        var request = OtlpLogsDecoderTests.Sample();
        request.ResourceLogs[0].ScopeLogs[0].LogRecords[0].Body = new AnyValue { StringValue = "XXhello" };
        var body = request.ToByteArray();
        var at = body.AsSpan().IndexOf("XXhello"u8);
        body[at] = 0xC3;
        body[at + 1] = 0xFF;

        Assert.Throws<MalformedBodyException>(() => Reference(body));
        var e = Assert.Throws<MalformedBodyException>(() => Wire(body));
        Assert.Equal($"invalid OTLP protobuf at byte {at}: a string that is not valid UTF-8", e.Message);
    }

    [Fact]
    public void Decode_Truncated_NamesTheByte()
    {
        var body = OtlpLogsDecoderTests.Sample().ToByteArray();

        var e = Assert.Throws<MalformedBodyException>(() => Wire(body[..^3]));

        Assert.Matches(@"^invalid OTLP protobuf at byte \d+: ", e.Message);
    }

    [Fact]
    public void Decode_NestedTooDeep_Rejected()
    {
        var value = new AnyValue { StringValue = "leaf" };
        for (var i = 0; i < 60; i++)
        {
            var list = new KeyValueList();
            list.Values.Add(new KeyValue { Key = "k", Value = value });
            value = new AnyValue { KvlistValue = list };
        }
        var record = new LogRecord();
        record.Attributes.Add(new KeyValue { Key = "deep", Value = value });
        var scope = new ScopeLogs();
        scope.LogRecords.Add(record);
        var logs = new ResourceLogs();
        logs.ScopeLogs.Add(scope);
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(logs);
        var body = request.ToByteArray();

        Assert.Throws<MalformedBodyException>(() => Reference(body));
        Assert.Throws<MalformedBodyException>(() => Wire(body));
    }

    [Fact]
    public void Decode_FieldsInUnusualOrder_MappedAsInCanonicalOrder()
    {
        // Scope after its records, resource after its scopes, body after the attributes.
        var output = new MemoryStream();
        var writer = new CodedOutputStream(output);
        var record = new LogRecord { Body = new AnyValue { StringValue = "late body" }, SeverityNumber = 13 };
        record.Attributes.Add(new KeyValue { Key = "a", Value = new AnyValue { IntValue = 1 } });
        var recordBytes = new MemoryStream();
        var recordWriter = new CodedOutputStream(recordBytes);
        recordWriter.WriteTag(6, WireFormat.WireType.LengthDelimited);
        recordWriter.WriteMessage(record.Attributes[0]);
        recordWriter.WriteTag(5, WireFormat.WireType.LengthDelimited);
        recordWriter.WriteMessage(record.Body);
        recordWriter.WriteTag(2, WireFormat.WireType.Varint);
        recordWriter.WriteInt32(13);
        recordWriter.Flush();
        var scopeBytes = new MemoryStream();
        var scopeWriter = new CodedOutputStream(scopeBytes);
        scopeWriter.WriteTag(2, WireFormat.WireType.LengthDelimited);
        scopeWriter.WriteBytes(ByteString.CopyFrom(recordBytes.ToArray()));
        scopeWriter.WriteTag(1, WireFormat.WireType.LengthDelimited);
        scopeWriter.WriteMessage(new InstrumentationScope { Name = "late scope" });
        scopeWriter.Flush();
        var resource = new Resource();
        resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "svc" } });
        var logsBytes = new MemoryStream();
        var logsWriter = new CodedOutputStream(logsBytes);
        logsWriter.WriteTag(2, WireFormat.WireType.LengthDelimited);
        logsWriter.WriteBytes(ByteString.CopyFrom(scopeBytes.ToArray()));
        logsWriter.WriteTag(1, WireFormat.WireType.LengthDelimited);
        logsWriter.WriteMessage(resource);
        logsWriter.Flush();
        writer.WriteTag(1, WireFormat.WireType.LengthDelimited);
        writer.WriteBytes(ByteString.CopyFrom(logsBytes.ToArray()));
        writer.Flush();
        var body = output.ToArray();

        var events = Wire(body);

        Assert.Equal(Reference(body), events);
        Assert.Contains("service:String=svc scope:String=late scope level:String=warning _msg:String=late body a:Number=1", Assert.Single(events), StringComparison.Ordinal);
    }

    internal static ExportLogsServiceRequest RandomRequest(Random random)
    {
        var request = new ExportLogsServiceRequest();
        for (var r = random.Next(0, 4); r > 0; r--)
        {
            var logs = new ResourceLogs();
            if (random.Next(4) > 0)
            {
                var resource = new Resource();
                for (var a = random.Next(0, 5); a > 0; a--)
                {
                    resource.Attributes.Add(RandomKeyValue(random, 0));
                }
                logs.Resource = resource;
            }
            for (var s = random.Next(0, 3); s > 0; s--)
            {
                var scope = new ScopeLogs();
                if (random.Next(3) > 0)
                {
                    scope.Scope = new InstrumentationScope { Name = Word(random), Version = Word(random) };
                }
                for (var n = random.Next(0, 5); n > 0; n--)
                {
                    scope.LogRecords.Add(RandomRecord(random));
                }
                scope.SchemaUrl = Word(random);
                logs.ScopeLogs.Add(scope);
            }
            request.ResourceLogs.Add(logs);
        }
        return request;
    }

    private static LogRecord RandomRecord(Random random)
    {
        var record = new LogRecord();
        if (random.Next(3) > 0)
        {
            record.TimeUnixNano = random.Next(5) == 0 ? ulong.MaxValue - (ulong)random.Next(3) : (ulong)random.NextInt64(0, long.MaxValue);
        }
        if (random.Next(2) > 0)
        {
            record.ObservedTimeUnixNano = (ulong)random.NextInt64(1, long.MaxValue);
        }
        record.SeverityNumber = random.Next(8) == 0 ? random.Next(int.MinValue, int.MaxValue) : random.Next(-2, 27);
        record.SeverityText = SeverityTexts[random.Next(SeverityTexts.Length)];
        if (random.Next(5) > 0)
        {
            record.Body = RandomValue(random, 0);
        }
        for (var a = random.Next(0, 5); a > 0; a--)
        {
            record.Attributes.Add(RandomKeyValue(random, 0));
        }
        record.DroppedAttributesCount = (uint)random.Next(3);
        record.Flags = (uint)random.Next(3);
        if (random.Next(2) > 0)
        {
            record.TraceId = ByteString.CopyFrom(RandomBytes(random, random.Next(3) == 0 ? random.Next(0, 20) : 16));
        }
        if (random.Next(2) > 0)
        {
            record.SpanId = ByteString.CopyFrom(RandomBytes(random, 8));
        }
        if (random.Next(4) == 0)
        {
            record.EventName = Word(random);
        }
        return record;
    }

    private static KeyValue RandomKeyValue(Random random, int depth)
    {
        var kv = new KeyValue { Key = Word(random) };
        if (random.Next(8) > 0)
        {
            kv.Value = RandomValue(random, depth + 1);
        }
        return kv;
    }

    private static AnyValue RandomValue(Random random, int depth)
    {
        var value = new AnyValue();
        switch (random.Next(depth > 3 ? 5 : 8))
        {
            case 0:
                value.StringValue = Word(random) + random.Next(1000);
                break;
            case 1:
                value.BoolValue = random.Next(2) == 0;
                break;
            case 2:
                value.IntValue = random.Next(3) == 0 ? random.NextInt64(long.MinValue, long.MaxValue) : random.Next(-1000, 1000);
                break;
            case 3:
                double[] specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 1e300, 5e-324, 0.1, 123456789.125];
                value.DoubleValue = random.Next(2) == 0 ? specials[random.Next(specials.Length)] : (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-10, 20));
                break;
            case 4:
                if (random.Next(3) > 0)
                {
                    value.BytesValue = ByteString.CopyFrom(RandomBytes(random, random.Next(0, 12)));
                }
                break;
            case 5:
            case 6:
                var list = new KeyValueList();
                for (var i = random.Next(0, 4); i > 0; i--)
                {
                    list.Values.Add(RandomKeyValue(random, depth + 1));
                }
                value.KvlistValue = list;
                break;
            default:
                var array = new ArrayValue();
                for (var i = random.Next(0, 4); i > 0; i--)
                {
                    array.Values.Add(RandomValue(random, depth + 1));
                }
                value.ArrayValue = array;
                break;
        }
        return value;
    }

    private static string Word(Random random) => Words[random.Next(Words.Length)];

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A seed from two numbers, the same in every run (HashCode.Combine is randomised per process).</summary>
    internal static int Seed(int seed, int salt) => unchecked((seed * 100_003) + salt);
}
