using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigie.Core;
using Vigie.Ingestion.Listeners;
using Vigie.Ingestion.Mapping;

namespace Vigie.Ingestion.Splunk;

/// <summary>
/// Splunk HTTP Event Collector bodies: <c>/services/collector/event</c> takes JSON objects one after the
/// other (<c>{"time":..,"host":..,"source":..,"sourcetype":..,"index":..,"event":..,"fields":{..}}</c>),
/// <c>/services/collector/raw</c> takes text, one event per line.
/// </summary>
/// <remarks>
/// A string <c>event</c> is the message; an object <c>event</c> has its keys as fields, with <c>line</c>
/// (Docker's <c>splunk</c> driver), <c>message</c>, <c>msg</c> or <c>log</c> as the message and Docker's
/// <c>source</c> (stdout/stderr) as <c>stream</c>; <c>fields</c> are fields too.
/// </remarks>
public static class SplunkHecDecoder
{
    private const int MaxFields = 1000;

    /// <summary>Decodes the events of a JSON body; returns the number of events read, or throws at the first bad one.</summary>
    /// <exception cref="SplunkFormatException">Event <c>Index</c> (0-based) is not valid: HEC's code 6.</exception>
    public static int DecodeEvents(ReadOnlySpan<byte> body, DecodeTarget target)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowMultipleValues = true, MaxDepth = 16 });
        var index = 0;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new FormatException("an event is a JSON object");
                }
                DecodeEvent(ref reader, body, target);
                index++;
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            target.Batch.CancelEvent();
            throw new SplunkFormatException(index, e.Message);
        }
        return index;
    }

    private static void DecodeEvent(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, DecodeTarget target)
    {
        var batch = target.Batch;
        batch.BeginEvent(target.NowNs);
        var hasEvent = false;
        var hasHost = false;
        var fields = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case "event" when reader.TokenType == JsonTokenType.String:
                    Utf8Fields.AddJsonString(batch, FieldNames.Message, ref reader);
                    hasEvent = true;
                    break;
                case "event" when reader.TokenType == JsonTokenType.StartObject:
                    ReadEventObject(ref reader, body, batch, ref fields);
                    hasEvent = true;
                    break;
                case "event" when reader.TokenType is JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                    Utf8Fields.Add(batch, FieldNames.Message, reader.ValueSpan);
                    hasEvent = true;
                    break;
                case "time":
                    if (TryTime(ref reader, out var ns))
                    {
                        batch.SetTime(ns);
                    }
                    break;
                case "host" or "source" or "sourcetype" or "index" when reader.TokenType == JsonTokenType.String:
                    Utf8Fields.AddJsonString(batch, name, ref reader);
                    hasHost |= name == "host";
                    break;
                case "fields" when reader.TokenType == JsonTokenType.StartObject:
                    ReadObject(ref reader, body, batch, "", ref fields);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (!hasEvent)
        {
            throw new FormatException("event field is missing");
        }
        if (!hasHost && target.RemoteHost is { } remote)
        {
            batch.AddField("host", ValueKind.String, remote);
        }
        batch.EndEvent(target.Streams);
    }

    private static bool TryTime(ref Utf8JsonReader reader, out long ns)
    {
        ns = 0;
        decimal seconds;
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (!reader.TryGetDecimal(out seconds))
            {
                return false;
            }
        }
        else if (reader.TokenType != JsonTokenType.String || !decimal.TryParse(reader.GetString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out seconds))
        {
            return false;
        }
        if (seconds is <= 0 or >= 32503680000m)
        {
            return false;
        }
        ns = (long)(seconds * Timestamps.NanosPerSecond);
        return true;
    }

    private static void ReadEventObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, EventBatch batch, ref int fields)
    {
        var hasMessage = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (!hasMessage && name is "line" or "message" or "msg" or "log" && reader.TokenType == JsonTokenType.String)
            {
                Utf8Fields.AddJsonString(batch, FieldNames.Message, ref reader);
                hasMessage = true;
                continue;
            }
            if (name == "level" && reader.TokenType == JsonTokenType.String && SeverityLevels.Normalize(reader.GetString().AsSpan()) is { } level)
            {
                batch.AddField("level", ValueKind.String, level);
                continue;
            }
            name = name switch
            {
                "source" => "stream",
                "host" or "sourcetype" or "index" or "time" => "event_" + name,
                _ => name,
            };
            AddValue(ref reader, body, batch, name, ref fields);
        }
    }

    private static void ReadObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, EventBatch batch, string prefix, ref int fields)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = prefix + reader.GetString();
            reader.Read();
            if (FieldNames.IsReserved(name) || name == FieldNames.Message)
            {
                name = "field" + name;
            }
            AddValue(ref reader, body, batch, name, ref fields);
        }
    }

    private static void AddValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, EventBatch batch, string name, ref int fields)
    {
        if (++fields > MaxFields)
        {
            throw new FormatException($"more than {MaxFields} fields");
        }
        if (!Utf8Fields.TryAddJsonLeaf(batch, name, ref reader, body))
        {
            ReadObject(ref reader, body, batch, name + ".", ref fields);
        }
    }

    /// <summary>Decodes a raw body: each non-blank line is an event with the request's metadata.</summary>
    public static int DecodeRaw(ReadOnlySpan<byte> body, DecodeTarget target, string? host, string? source, string? sourcetype)
    {
        var batch = target.Batch;
        var count = 0;
        while (!body.IsEmpty)
        {
            var lf = body.IndexOf((byte)'\n');
            var line = lf < 0 ? body : body[..lf];
            body = lf < 0 ? [] : body[(lf + 1)..];
            line = line.TrimEnd("\r"u8);
            if (line.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }
            batch.BeginEvent(target.NowNs);
            Utf8Fields.Add(batch, FieldNames.Message, line);
            if ((host ?? target.RemoteHost) is { } h)
            {
                batch.AddField("host", ValueKind.String, h);
            }
            if (source is not null)
            {
                batch.AddField("source", ValueKind.String, source);
            }
            if (sourcetype is not null)
            {
                batch.AddField("sourcetype", ValueKind.String, sourcetype);
            }
            batch.EndEvent(target.Streams);
            count++;
        }
        return count;
    }
}
