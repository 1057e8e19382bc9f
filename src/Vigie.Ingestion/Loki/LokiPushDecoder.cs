using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Vigie.Core;
using Vigie.Ingestion.Mapping;
using Vigie.Ingestion.Loki.Proto;
using Vigie.Ingestion.Protocols;

namespace Vigie.Ingestion.Loki;

/// <summary>
/// Decodes a Loki push (<c>/loki/api/v1/push</c>): protobuf compressed with snappy (block format), as
/// Promtail, Alloy and the Docker plugin send it, or JSON. Each line becomes <c>_msg</c>, the stream
/// labels become fields (and the stream, unless the listener sets its own stream fields), and
/// structured metadata becomes fields.
/// </summary>
public static class LokiPushDecoder
{
    /// <summary>Decodes a snappy-compressed protobuf body, refusing to inflate past <paramref name="maxBytes"/>.</summary>
    /// <exception cref="MalformedBodyException">Not snappy, or not a PushRequest.</exception>
    public static void DecodeProtobuf(ReadOnlySpan<byte> compressed, long maxBytes, EventBatch batch, StreamFields? streams, long nowNs, DecodeReport report)
    {
        PushRequest request;
        try
        {
            var length = Snappier.Snappy.GetUncompressedLength(compressed);
            if (length > maxBytes)
            {
                throw new MalformedBodyException($"the snappy body inflates to {length} bytes, more than the limit of {maxBytes}");
            }
            var raw = new byte[length];
            var written = Snappier.Snappy.Decompress(compressed, raw);
            request = PushRequest.Parser.ParseFrom(raw.AsSpan(0, written));
        }
        catch (Exception e) when (e is InvalidDataException or OverflowException or ArgumentException or IndexOutOfRangeException)
        {
            // Snappier reports a bad length prefix as an overflow and some bad blocks as bad arguments.
            throw new MalformedBodyException("the body is not snappy-compressed (block format): " + e.Message, e);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new MalformedBodyException("the body is not a Loki PushRequest: " + e.Message, e);
        }
        foreach (var stream in request.Streams)
        {
            var labels = LokiLabels.Parse(stream.Labels, out var error);
            if (labels is null)
            {
                report.Reject($"stream {stream.Labels}: {error}", stream.Entries.Count);
                continue;
            }
            NormalizeLevel(labels);
            var fields = streams ?? new StreamFields(labels.Select(l => l.Key));
            foreach (var entry in stream.Entries)
            {
                var time = entry.Timestamp is { } t ? t.Seconds * 1_000_000_000 + t.Nanos : nowNs;
                batch.BeginEvent(time > 0 ? time : nowNs);
                foreach (var (name, value) in labels)
                {
                    batch.AddField(name, ValueKind.String, value);
                }
                foreach (var pair in entry.StructuredMetadata)
                {
                    AddMetadata(batch, labels, pair.Name, pair.Value);
                }
                batch.AddField(FieldNames.Message, ValueKind.String, entry.Line);
                batch.EndEvent(fields);
                report.Accept();
            }
        }
    }

    /// <summary>
    /// Decodes the JSON push: <c>{"streams":[{"stream":{labels},"values":[["ns","line",{metadata}]]}]}</c>,
    /// or the older <c>{"streams":[{"labels":"{...}","entries":[{"ts":"RFC 3339","line":"..."}]}]}</c>.
    /// </summary>
    /// <exception cref="MalformedBodyException">Not JSON, or not a push.</exception>
    public static void DecodeJson(ReadOnlySpan<byte> body, EventBatch batch, StreamFields? streams, long nowNs, DecodeReport report)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new MalformedBodyException("invalid JSON: " + e.Message, e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("streams", out var streamList)
                || streamList.ValueKind != JsonValueKind.Array)
            {
                throw new MalformedBodyException("a Loki push is an object with a \"streams\" array");
            }
            var index = 0;
            foreach (var stream in streamList.EnumerateArray())
            {
                DecodeJsonStream(stream, index++, batch, streams, nowNs, report);
            }
        }
    }

    private static void DecodeJsonStream(JsonElement stream, int index, EventBatch batch, StreamFields? streams, long nowNs, DecodeReport report)
    {
        List<KeyValuePair<string, string>>? labels = null;
        string? error = null;
        if (stream.ValueKind != JsonValueKind.Object)
        {
            report.Reject($"stream {index}: not an object");
            return;
        }
        if (stream.TryGetProperty("stream", out var labelObject) && labelObject.ValueKind == JsonValueKind.Object)
        {
            labels = [.. labelObject.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, Text(p.Value)))];
        }
        else if (stream.TryGetProperty("labels", out var labelText) && labelText.ValueKind == JsonValueKind.String)
        {
            labels = LokiLabels.Parse(labelText.GetString()!, out error);
        }
        else
        {
            labels = [];
        }
        var values = stream.TryGetProperty("values", out var v) && v.ValueKind == JsonValueKind.Array ? v
            : stream.TryGetProperty("entries", out var e) && e.ValueKind == JsonValueKind.Array ? e
            : default;
        var count = values.ValueKind == JsonValueKind.Array ? values.GetArrayLength() : 0;
        if (labels is null)
        {
            report.Reject($"stream {index}: {error}", Math.Max(1, count));
            return;
        }
        if (values.ValueKind != JsonValueKind.Array)
        {
            report.Reject($"stream {index}: no \"values\" array");
            return;
        }
        NormalizeLevel(labels);
        var fields = streams ?? new StreamFields(labels.Select(l => l.Key));
        var entryIndex = 0;
        foreach (var entry in values.EnumerateArray())
        {
            var reason = AddJsonEntry(entry, labels, batch, fields, nowNs);
            if (reason is null)
            {
                report.Accept();
            }
            else
            {
                report.Reject($"stream {index}, value {entryIndex}: {reason}");
            }
            entryIndex++;
        }
    }

    private static string? AddJsonEntry(JsonElement entry, List<KeyValuePair<string, string>> labels, EventBatch batch, StreamFields fields, long nowNs)
    {
        JsonElement time, line, metadata = default;
        if (entry.ValueKind == JsonValueKind.Array && entry.GetArrayLength() is 2 or 3)
        {
            time = entry[0];
            line = entry[1];
            if (entry.GetArrayLength() == 3)
            {
                metadata = entry[2];
            }
        }
        else if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("line", out line))
        {
            if (!entry.TryGetProperty("ts", out time) && !entry.TryGetProperty("timestamp", out time))
            {
                time = default;
            }
        }
        else
        {
            return "expected [\"<unix ns>\", \"<line>\"] or [\"<unix ns>\", \"<line>\", {metadata}]";
        }
        if (line.ValueKind != JsonValueKind.String)
        {
            return "the line must be a string";
        }
        var ns = nowNs;
        if (time.ValueKind is JsonValueKind.String or JsonValueKind.Number)
        {
            var text = time.ValueKind == JsonValueKind.String ? time.GetString()! : time.GetRawText();
            if (!TimeText.TryParse(text, out ns))
            {
                return $"invalid timestamp \"{text}\": expected Unix nanoseconds as a string";
            }
        }
        batch.BeginEvent(ns);
        foreach (var (name, value) in labels)
        {
            batch.AddField(name, ValueKind.String, value);
        }
        if (metadata.ValueKind == JsonValueKind.Object)
        {
            foreach (var pair in metadata.EnumerateObject())
            {
                if (pair.Value.ValueKind != JsonValueKind.Null)
                {
                    AddMetadata(batch, labels, pair.Name, Text(pair.Value));
                }
            }
        }
        batch.AddField(FieldNames.Message, ValueKind.String, line.GetString()!);
        batch.EndEvent(fields);
        return null;
    }

    /// <summary>
    /// Adds one structured metadata pair, unless a label has its name (clients such as winston-loki
    /// repeat the labels there): an event has one value per field.
    /// </summary>
    private static void AddMetadata(EventBatch batch, List<KeyValuePair<string, string>> labels, string name, string value)
    {
        if (name.Length == 0)
        {
            return;
        }
        foreach (var label in labels)
        {
            if (label.Key == name)
            {
                return;
            }
        }
        if (name == "level" && SeverityLevels.Normalize(value) is { } level)
        {
            value = level;
        }
        batch.AddField(name, ValueKind.String, value);
    }

    /// <summary>A <c>level</c> label in Vigie's vocabulary (<c>warn</c> becomes <c>warning</c>); unknown words stay.</summary>
    private static void NormalizeLevel(List<KeyValuePair<string, string>> labels)
    {
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i].Key == "level" && SeverityLevels.Normalize(labels[i].Value) is { } level)
            {
                labels[i] = new(labels[i].Key, level);
            }
        }
    }

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}
