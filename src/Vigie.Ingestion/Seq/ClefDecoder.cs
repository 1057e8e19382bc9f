using System.Text.Json;
using System.Text.Unicode;
using Vigie.Core;
using Vigie.Ingestion.Mapping;
using Vigie.Ingestion.Protocols;

namespace Vigie.Ingestion.Seq;

/// <summary>
/// Decodes what Seq's ingestion API takes: CLEF (one JSON object per line with <c>@t</c> time,
/// <c>@m</c> message or <c>@mt</c> template, <c>@l</c> level, <c>@x</c> exception, <c>@i</c> event id,
/// <c>@tr</c>/<c>@sp</c> trace and span, other keys properties) and the older
/// <c>{"Events":[{"Timestamp","Level","MessageTemplate","Properties","Exception"}]}</c> body.
/// The template is rendered into <c>_msg</c> and also kept in <c>message_template</c>.
/// </summary>
public sealed class ClefDecoder(StreamFields streams, long nowNs)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    /// <summary>True when the body is the older <c>{"Events":[...]}</c> format rather than CLEF.</summary>
    public static bool IsRawEventsBody(ReadOnlySpan<byte> body)
    {
        var trimmed = body.TrimStart(" \t\r\n"u8);
        if (trimmed.StartsWith("\uFEFF"u8))
        {
            trimmed = trimmed[3..].TrimStart(" \t\r\n"u8);
        }
        return trimmed.StartsWith("{\"Events\""u8);
    }

    /// <summary>Decodes newline-delimited CLEF; a bad line is rejected alone.</summary>
    public void DecodeClef(ReadOnlySpan<byte> body, EventBatch batch, DecodeReport report)
    {
        var lineNumber = 0;
        while (!body.IsEmpty)
        {
            var newline = body.IndexOf((byte)'\n');
            var line = newline < 0 ? body : body[..newline];
            body = newline < 0 ? [] : body[(newline + 1)..];
            lineNumber++;
            if (lineNumber == 1 && line.StartsWith("\uFEFF"u8))
            {
                line = line[3..];
            }
            if (line.Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }
            if (!Utf8.IsValid(line))
            {
                report.Reject($"line {lineNumber}: invalid UTF-8");
                continue;
            }
            try
            {
                using var document = JsonDocument.Parse(line.ToArray(), DocumentOptions);
                var error = AddClef(document.RootElement, batch);
                if (error is null)
                {
                    report.Accept();
                }
                else
                {
                    report.Reject($"line {lineNumber}: {error}");
                }
            }
            catch (JsonException e)
            {
                report.Reject($"line {lineNumber}: invalid JSON: {e.Message}");
            }
        }
    }

    /// <summary>Decodes the <c>{"Events":[...]}</c> body.</summary>
    /// <exception cref="MalformedBodyException">The body is not JSON or has no Events array.</exception>
    public void DecodeRawEvents(ReadOnlySpan<byte> body, EventBatch batch, DecodeReport report)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new MalformedBodyException("invalid JSON: " + e.Message, e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("Events", out var events)
                || events.ValueKind != JsonValueKind.Array)
            {
                throw new MalformedBodyException("expected {\"Events\":[...]}");
            }
            var index = 0;
            foreach (var e in events.EnumerateArray())
            {
                var error = AddRawEvent(e, batch);
                if (error is null)
                {
                    report.Accept();
                }
                else
                {
                    report.Reject($"event {index}: {error}");
                }
                index++;
            }
        }
    }

    private string? AddClef(JsonElement e, EventBatch batch)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return "not a JSON object";
        }
        var time = nowNs;
        if (e.TryGetProperty("@t", out var t))
        {
            if (t.ValueKind != JsonValueKind.String || !TimeText.TryParse(t.GetString(), out time))
            {
                return $"invalid @t {t.GetRawText()}: expected an ISO 8601 time";
            }
        }
        batch.BeginEvent(time);
        string? template = null;
        string? message = null;
        var hasLevel = false;
        foreach (var property in e.EnumerateObject())
        {
            var name = property.Name;
            var value = property.Value;
            switch (name)
            {
                case "@t":
                    break;
                case "@m":
                    message = Text(value);
                    break;
                case "@mt":
                    template = Text(value);
                    break;
                case "@l":
                    AddLevel(batch, Text(value));
                    hasLevel = true;
                    break;
                case "@x":
                    Add(batch, "exception", value);
                    break;
                case "@i":
                    Add(batch, "event_id", value);
                    break;
                case "@tr":
                    Add(batch, "trace_id", value);
                    break;
                case "@sp":
                    Add(batch, "span_id", value);
                    break;
                case "@r":
                    break;
                default:
                    // "@@name" is a property whose own name starts with @.
                    Add(batch, name.StartsWith("@@", StringComparison.Ordinal) ? name[1..] : name, value);
                    break;
            }
        }
        if (!hasLevel)
        {
            // CLEF leaves @l out for Information, the default level.
            batch.AddField("level", ValueKind.String, "info"u8);
        }
        FinishMessage(batch, message, template, e);
        batch.EndEvent(streams);
        return null;
    }

    private string? AddRawEvent(JsonElement e, EventBatch batch)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return "not a JSON object";
        }
        var time = nowNs;
        if (e.TryGetProperty("Timestamp", out var t) && (t.ValueKind != JsonValueKind.String || !TimeText.TryParse(t.GetString(), out time)))
        {
            return $"invalid Timestamp {t.GetRawText()}";
        }
        batch.BeginEvent(time);
        if (e.TryGetProperty("Level", out var level))
        {
            AddLevel(batch, Text(level));
        }
        if (e.TryGetProperty("Exception", out var exception) && exception.ValueKind != JsonValueKind.Null)
        {
            Add(batch, "exception", exception);
        }
        var properties = e.TryGetProperty("Properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        if (properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                Add(batch, property.Name, property.Value);
            }
        }
        var template = e.TryGetProperty("MessageTemplate", out var mt) ? Text(mt) : null;
        var message = e.TryGetProperty("RenderedMessage", out var rm) ? Text(rm) : null;
        FinishMessage(batch, message, template, properties);
        batch.EndEvent(streams);
        return null;
    }

    private static void FinishMessage(EventBatch batch, string? message, string? template, JsonElement properties)
    {
        if (template is not null)
        {
            batch.AddField("message_template", ValueKind.String, template);
            message ??= MessageTemplate.Render(template, properties);
        }
        if (message is not null)
        {
            batch.AddField(FieldNames.Message, ValueKind.String, message);
        }
    }

    private static void AddLevel(EventBatch batch, string level) =>
        batch.AddField("level", ValueKind.String, SeverityLevels.Normalize(level) ?? level);

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    /// <summary>Adds a property: objects flattened with dots, arrays as JSON text.</summary>
    private static void Add(EventBatch batch, string name, JsonElement value, int depth = 0)
    {
        if (name.Length == 0 || name is FieldNames.Time or FieldNames.Stream)
        {
            return;
        }
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                batch.AddField(name, ValueKind.String, value.GetString()!);
                break;
            case JsonValueKind.Number:
                batch.AddField(name, ValueKind.Number, value.GetRawText());
                break;
            case JsonValueKind.True:
                batch.AddField(name, ValueKind.Bool, "true"u8);
                break;
            case JsonValueKind.False:
                batch.AddField(name, ValueKind.Bool, "false"u8);
                break;
            case JsonValueKind.Object when depth < 16:
                foreach (var property in value.EnumerateObject())
                {
                    Add(batch, name + "." + property.Name, property.Value, depth + 1);
                }
                break;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                break;
            default:
                batch.AddField(name, ValueKind.Json, value.GetRawText());
                break;
        }
    }
}
