using System.Buffers;
using System.Text;
using System.Text.Json;
using Vigie.Core;
using Vigie.Ingestion.Listeners;
using Vigie.Ingestion.Mapping;

namespace Vigie.Ingestion.Gelf;

/// <summary>
/// Parses one GELF message (a JSON object, version 1.0 or 1.1) into one event: <c>short_message</c> →
/// <c>_msg</c>, <c>host</c>, <c>timestamp</c> (seconds, integer or fractional) → time, <c>level</c>
/// (syslog number) → <c>level</c>, additional fields without their leading <c>_</c>
/// (<c>_container_name</c> → <c>container</c>), nested objects flattened with dots.
/// </summary>
public static class GelfParser
{
    /// <summary>More fields than this in one message is an attack or a bug, not a log line.</summary>
    public const int MaxFields = 1000;

    private const int MaxDepth = 16;

    public static void Parse(ReadOnlySpan<byte> json, DecodeTarget target)
    {
        var batch = target.Batch;
        batch.BeginEvent(target.NowNs);
        var state = new State();
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException("a GELF message is a JSON object");
            }
            ReadObject(ref reader, json, batch, "", ref state);
            if (reader.Read())
            {
                throw new FormatException("data after the JSON object");
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            batch.CancelEvent();
            target.Reject("invalid GELF message: " + e.Message);
            return;
        }
        if (!state.HasMessage)
        {
            batch.CancelEvent();
            target.Reject("GELF message without short_message");
            return;
        }
        if (!state.HasHost && target.RemoteHost is { } remote)
        {
            batch.AddField("host", ValueKind.String, remote);
        }
        batch.EndEvent(target.Streams);
    }

    private struct State
    {
        public bool HasMessage;
        public bool HasHost;
        public int Fields;
    }

    private static void ReadObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, EventBatch batch, string prefix, ref State state)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (++state.Fields > MaxFields)
            {
                throw new FormatException($"more than {MaxFields} fields");
            }
            if (prefix.Length == 0)
            {
                if (TopLevel(ref reader, batch, name, ref state))
                {
                    continue;
                }
                if (name == "_container_name" && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
                {
                    // Docker names start with "/" in its API; users type them without.
                    var value = reader.ValueSpan;
                    Utf8Fields.Add(batch, "container", value.Length > 0 && value[0] == '/' ? value[1..] : value);
                    continue;
                }
                name = name.Length > 1 && name[0] == '_' ? name[1..] : name;
                name = name switch
                {
                    "container_name" => "container",
                    "id" or "time" or "stream" => "gelf_" + name,
                    _ => name,
                };
            }
            else
            {
                name = prefix + name;
            }
            AddValue(ref reader, json, batch, name, ref state);
        }
    }

    /// <summary>The fields GELF defines; true when handled.</summary>
    private static bool TopLevel(ref Utf8JsonReader reader, EventBatch batch, string name, ref State state)
    {
        switch (name)
        {
            case "version":
                return true;
            case "short_message" when reader.TokenType == JsonTokenType.String:
                Utf8Fields.AddJsonString(batch, FieldNames.Message, ref reader);
                state.HasMessage = true;
                return true;
            case "full_message" when reader.TokenType == JsonTokenType.String && !state.HasMessage:
                // 1.0 senders may send only full_message: it is then the message.
                Utf8Fields.AddJsonString(batch, "full_message", ref reader);
                return true;
            case "host" when reader.TokenType == JsonTokenType.String:
                Utf8Fields.AddJsonString(batch, "host", ref reader);
                state.HasHost = true;
                return true;
            case "timestamp" when reader.TokenType == JsonTokenType.Number:
                if (reader.TryGetDecimal(out var seconds) && seconds is > 0 and < 32503680000m)
                {
                    batch.SetTime((long)(seconds * Timestamps.NanosPerSecond));
                }
                return true;
            case "level":
                var level = reader.TokenType switch
                {
                    JsonTokenType.Number when reader.TryGetInt32(out var n) => SeverityLevels.FromSyslogSeverity(n),
                    JsonTokenType.String => SeverityLevels.Normalize(reader.GetString().AsSpan()),
                    _ => null,
                };
                if (level is not null)
                {
                    batch.AddField("level", ValueKind.String, level);
                }
                return true;
            default:
                return false;
        }
    }

    private static void AddValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, EventBatch batch, string name, ref State state)
    {
        if (!Utf8Fields.TryAddJsonLeaf(batch, name, ref reader, json))
        {
            // syslog-ng's graylog2() sends nested objects: flatten them, "a": {"b": 1} → a.b.
            ReadObject(ref reader, json, batch, name + ".", ref state);
        }
    }
}
