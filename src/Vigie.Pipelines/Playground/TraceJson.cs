using System.Text.Json;
using Vigie.Core;

namespace Vigie.Pipelines.Playground;

/// <summary>The playground's JSON output (the HTTP API): each event before, after every step, and after.</summary>
public static class TraceJson
{
    public static void Write(Utf8JsonWriter w, IReadOnlyList<TraceResult> results)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(results);
        w.WriteStartArray();
        foreach (var r in results)
        {
            w.WriteStartObject();
            w.WriteNumber("line", r.Line);
            w.WriteString("input", r.Input);
            w.WriteStartArray("pipelines");
            foreach (var p in r.Pipelines)
            {
                w.WriteStringValue(p);
            }
            w.WriteEndArray();
            w.WritePropertyName("before");
            Event(w, r.Before);
            w.WriteStartArray("steps");
            foreach (var s in r.Steps)
            {
                w.WriteStartObject();
                w.WriteString("pipeline", s.Pipeline);
                w.WriteString("processor", s.Processor);
                w.WriteBoolean("skipped", s.Skipped);
                if (s.Error is not null)
                {
                    w.WriteString("error", s.Error);
                }
                w.WritePropertyName("event");
                Event(w, s.After);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WritePropertyName("after");
            Event(w, r.After);
            w.WriteBoolean("dropped", r.After.Dropped);
            if (r.Error is { } error)
            {
                w.WriteString("error", error);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public static void Event(Utf8JsonWriter w, EventSnapshot e)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(e);
        w.WriteStartObject();
        w.WriteString(FieldNames.Time, Timestamps.FormatRfc3339(e.TimeNs));
        foreach (var (k, v) in e.Fields)
        {
            switch (v.Kind)
            {
                case ValueKind.Number when NumberText.TryParse(v.Text, out _):
                    w.WritePropertyName(k);
                    w.WriteRawValue(v.Text);
                    break;
                case ValueKind.Bool:
                    w.WriteBoolean(k, v.Text == "true");
                    break;
                case ValueKind.Json:
                    w.WritePropertyName(k);
                    w.WriteRawValue(v.Text);
                    break;
                default:
                    w.WriteString(k, v.Text);
                    break;
            }
        }
        w.WriteEndObject();
    }
}
