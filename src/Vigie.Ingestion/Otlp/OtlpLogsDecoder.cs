using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Vigie.Core;
using Vigie.Ingestion.Otlp.Proto;
using Vigie.Ingestion.Mapping;
using Vigie.Ingestion.Protocols;

namespace Vigie.Ingestion.Otlp;

/// <summary>
/// Maps OTLP log records (HTTP protobuf, HTTP JSON or gRPC) onto events: resource <c>service.name</c>
/// to <c>service</c>, <c>host.name</c> to <c>host</c>, severity to <c>level</c>, body to <c>_msg</c>,
/// resource and record attributes to fields flattened with dots (the scope gives only its name), trace and span ids in hex.
/// </summary>
public static class OtlpLogsDecoder
{
    public const string ServiceField = "service";
    public const string HostField = "host";

    private static readonly JsonParser Json = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    /// <summary>Adds one event per log record of a protobuf or JSON <c>ExportLogsServiceRequest</c> to <paramref name="batch"/>.</summary>
    /// <exception cref="MalformedBodyException">The body is not one.</exception>
    /// <remarks>
    /// Protobuf is read straight from the wire (<see cref="OtlpWireDecoder"/>), and so is JSON once
    /// rewritten as protobuf (<see cref="OtlpJsonTranscoder"/>); <see cref="ParseProtobuf"/>,
    /// <see cref="ParseJson"/> and <see cref="Map"/> are the reference they are checked against. On failure the batch holds part of
    /// the request and must be dropped.
    /// </remarks>
    public static void Decode(ReadOnlyMemory<byte> body, bool json, EventBatch batch, StreamFields streams, long nowNs, DecodeReport report)
    {
        if (!json)
        {
            OtlpWireDecoder.Decode(body, batch, streams, nowNs, report);
            return;
        }
        // The JSON the SDKs write becomes the protobuf of the same request; any other JSON goes
        // through Google.Protobuf's parser, which decides what it means and explains errors.
        if (OtlpJsonTranscoder.TryTranscode(body.Span) is { } protobuf)
        {
            try
            {
                OtlpWireDecoder.Decode(protobuf, batch, streams, nowNs, report);
            }
            finally
            {
                OtlpJsonTranscoder.Release();
            }
            return;
        }
        Map(ParseJson(body.Span), batch, streams, nowNs, report, hexIds: true);
    }

    /// <summary>Parses a protobuf <c>ExportLogsServiceRequest</c>.</summary>
    /// <exception cref="MalformedBodyException">The body is not one.</exception>
    public static ExportLogsServiceRequest ParseProtobuf(ReadOnlySpan<byte> body)
    {
        try
        {
            return ExportLogsServiceRequest.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new MalformedBodyException("invalid OTLP protobuf: " + e.Message, e);
        }
    }

    /// <summary>
    /// Parses the OTLP/JSON encoding. The specification writes trace and span ids in hex where the
    /// protobuf JSON mapping expects base64; base64-decoding 32 (16) hex digits gives 24 (12) bytes that
    /// encode back to the same digits, so <see cref="Map"/> recovers the hex text with
    /// <paramref name="hexIds"/> set.
    /// </summary>
    /// <exception cref="MalformedBodyException">The body is not OTLP JSON.</exception>
    public static ExportLogsServiceRequest ParseJson(ReadOnlySpan<byte> body)
    {
        try
        {
            return Json.Parse<ExportLogsServiceRequest>(Encoding.UTF8.GetString(body));
        }
        catch (Exception e) when (e is InvalidJsonException or InvalidProtocolBufferException or FormatException or ArgumentException)
        {
            throw new MalformedBodyException("invalid OTLP JSON: " + e.Message, e);
        }
    }

    /// <summary>Adds one event per log record to <paramref name="batch"/>.</summary>
    /// <param name="request">The decoded request.</param>
    /// <param name="batch">The batch to fill.</param>
    /// <param name="streams">Stream fields of the events.</param>
    /// <param name="nowNs">Time of events without a time nor an observed time.</param>
    /// <param name="report">Counts.</param>
    /// <param name="hexIds">The request came as JSON: see <see cref="ParseJson"/>.</param>
    public static void Map(ExportLogsServiceRequest request, EventBatch batch, StreamFields streams, long nowNs, DecodeReport report, bool hexIds = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = new StringBuilder();
        foreach (var resourceLogs in request.ResourceLogs)
        {
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                foreach (var record in scopeLogs.LogRecords)
                {
                    var time = record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano;
                    batch.BeginEvent(time is > 0 and <= long.MaxValue ? (long)time : nowNs);
                    if (resourceLogs.Resource is { } resource)
                    {
                        foreach (var attribute in resource.Attributes)
                        {
                            var target = attribute.Key switch
                            {
                                "service.name" => ServiceField,
                                "host.name" => HostField,
                                _ => attribute.Key,
                            };
                            AddAnyValue(batch, name.Clear().Append(target), attribute.Value);
                        }
                    }
                    if (scopeLogs.Scope is { } scope && scope.Name.Length > 0)
                    {
                        batch.AddField("scope", ValueKind.String, scope.Name);
                    }
                    var level = SeverityLevels.FromOtlpSeverityNumber(record.SeverityNumber) ?? SeverityLevels.Normalize(record.SeverityText);
                    if (level is not null)
                    {
                        batch.AddField("level", ValueKind.String, level);
                    }
                    else if (record.SeverityText.Length > 0)
                    {
                        batch.AddField("level", ValueKind.String, record.SeverityText);
                    }
                    if (record.Body is { } body)
                    {
                        AddBody(batch, body, name);
                    }
                    foreach (var attribute in record.Attributes)
                    {
                        AddAnyValue(batch, name.Clear().Append(attribute.Key), attribute.Value);
                    }
                    if (!record.TraceId.IsEmpty)
                    {
                        batch.AddField("trace_id", ValueKind.String, Id(record.TraceId, hexIds));
                    }
                    if (!record.SpanId.IsEmpty)
                    {
                        batch.AddField("span_id", ValueKind.String, Id(record.SpanId, hexIds));
                    }
                    if (record.EventName.Length > 0)
                    {
                        batch.AddField("event_name", ValueKind.String, record.EventName);
                    }
                    batch.EndEvent(streams);
                    report.Accept();
                }
            }
        }
    }

    private static string Id(ByteString id, bool hexIds) =>
        hexIds ? id.ToBase64().ToLowerInvariant() : Convert.ToHexStringLower(id.Span);

    private static void AddBody(EventBatch batch, AnyValue body, StringBuilder name)
    {
        switch (body.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                batch.AddField(FieldNames.Message, ValueKind.String, body.StringValue);
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                // A structured body: its keys become fields, as a JSON log line's would.
                foreach (var kv in body.KvlistValue.Values)
                {
                    AddAnyValue(batch, name.Clear().Append(kv.Key == "message" ? FieldNames.Message : kv.Key), kv.Value);
                }
                break;
            case AnyValue.ValueOneofCase.None:
                break;
            default:
                AddAnyValue(batch, name.Clear().Append(FieldNames.Message), body);
                break;
        }
    }

    private static void AddAnyValue(EventBatch batch, StringBuilder name, AnyValue? value)
    {
        if (value is null || name.Length == 0)
        {
            return;
        }
        switch (value.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                batch.AddField(name.ToString(), ValueKind.String, value.StringValue);
                break;
            case AnyValue.ValueOneofCase.BoolValue:
                batch.AddField(name.ToString(), ValueKind.Bool, value.BoolValue ? "true" : "false");
                break;
            case AnyValue.ValueOneofCase.IntValue:
                batch.AddField(name.ToString(), ValueKind.Number, value.IntValue.ToString(CultureInfo.InvariantCulture));
                break;
            case AnyValue.ValueOneofCase.DoubleValue:
                var d = value.DoubleValue;
                batch.AddField(name.ToString(), double.IsFinite(d) ? ValueKind.Number : ValueKind.String, d.ToString("R", CultureInfo.InvariantCulture));
                break;
            case AnyValue.ValueOneofCase.BytesValue:
                batch.AddField(name.ToString(), ValueKind.String, value.BytesValue.ToBase64());
                break;
            case AnyValue.ValueOneofCase.ArrayValue:
                batch.AddField(name.ToString(), ValueKind.Json, ToJson(value));
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                var length = name.Length;
                foreach (var kv in value.KvlistValue.Values)
                {
                    name.Length = length;
                    name.Append('.').Append(kv.Key);
                    AddAnyValue(batch, name, kv.Value);
                }
                name.Length = length;
                break;
            default:
                break;
        }
    }

    private static string ToJson(AnyValue value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteJson(writer, value, 0);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteJson(Utf8JsonWriter writer, AnyValue? value, int depth)
    {
        if (value is null || depth > 32)
        {
            writer.WriteNullValue();
            return;
        }
        switch (value.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                writer.WriteStringValue(value.StringValue);
                break;
            case AnyValue.ValueOneofCase.BoolValue:
                writer.WriteBooleanValue(value.BoolValue);
                break;
            case AnyValue.ValueOneofCase.IntValue:
                writer.WriteNumberValue(value.IntValue);
                break;
            case AnyValue.ValueOneofCase.DoubleValue when double.IsFinite(value.DoubleValue):
                writer.WriteNumberValue(value.DoubleValue);
                break;
            case AnyValue.ValueOneofCase.BytesValue:
                writer.WriteStringValue(value.BytesValue.ToBase64());
                break;
            case AnyValue.ValueOneofCase.ArrayValue:
                writer.WriteStartArray();
                foreach (var item in value.ArrayValue.Values)
                {
                    WriteJson(writer, item, depth + 1);
                }
                writer.WriteEndArray();
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                writer.WriteStartObject();
                foreach (var kv in value.KvlistValue.Values)
                {
                    writer.WritePropertyName(kv.Key);
                    WriteJson(writer, kv.Value, depth + 1);
                }
                writer.WriteEndObject();
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }
}
