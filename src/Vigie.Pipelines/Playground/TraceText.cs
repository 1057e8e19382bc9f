using System.Text;
using Vigie.Core;

namespace Vigie.Pipelines.Playground;

/// <summary>
/// The playground's text output: the event as it came, then what each processor added (+), changed
/// (~) or removed (-), then the event as it would be stored. Stable, so that it can be diffed.
/// </summary>
public static class TraceText
{
    public static string Render(IReadOnlyList<TraceResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var sb = new StringBuilder();
        foreach (var r in results)
        {
            sb.Append("line ").Append(r.Line).Append(": ").Append(r.Input.Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
            if (r.Pipelines.Count == 0)
            {
                sb.Append("  no pipeline selects this event: stored as it came\n\n");
                continue;
            }
            sb.Append("  pipelines: ").Append(string.Join(", ", r.Pipelines)).Append('\n');
            sb.Append("  before:\n");
            Fields(sb, r.Before, r.Before, all: true);
            var previous = r.Before;
            foreach (var step in r.Steps)
            {
                sb.Append("  ").Append(step.Pipeline).Append('/').Append(step.Processor);
                if (step.Skipped)
                {
                    sb.Append(": skipped (if)\n");
                    continue;
                }
                if (step.Error is not null)
                {
                    sb.Append(": FAILED: ").Append(step.Error).Append(" (the event is kept as it came into the pipeline)\n");
                    previous = step.After;
                    continue;
                }
                sb.Append(step.After.Dropped ? ": dropped\n" : ":\n");
                Diff(sb, previous, step.After);
                previous = step.After;
            }
            if (r.After.Dropped)
            {
                sb.Append("  after: dropped, not stored\n\n");
                continue;
            }
            sb.Append("  after:\n");
            Fields(sb, r.After, r.Before, all: true);
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static void Fields(StringBuilder sb, EventSnapshot e, EventSnapshot before, bool all)
    {
        if (all && (e.TimeNs != before.TimeNs || ReferenceEquals(e, before)))
        {
            if (!ReferenceEquals(e, before))
            {
                sb.Append("    _time: ").Append(Timestamps.FormatRfc3339(e.TimeNs)).Append('\n');
            }
        }
        foreach (var (k, v) in e.Fields)
        {
            sb.Append("    ").Append(k).Append(": ").Append(Value(v)).Append('\n');
        }
    }

    private static void Diff(StringBuilder sb, EventSnapshot before, EventSnapshot after)
    {
        var changed = false;
        if (before.TimeNs != after.TimeNs)
        {
            sb.Append("    ~ _time: ").Append(Timestamps.FormatRfc3339(after.TimeNs)).Append('\n');
            changed = true;
        }
        var old = before.Fields.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var now = after.Fields.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var (k, v) in after.Fields)
        {
            if (!old.TryGetValue(k, out var was))
            {
                sb.Append("    + ").Append(k).Append(": ").Append(Value(v)).Append('\n');
                changed = true;
            }
            else if (was != v)
            {
                sb.Append("    ~ ").Append(k).Append(": ").Append(Value(v)).Append('\n');
                changed = true;
            }
        }
        foreach (var (k, _) in before.Fields)
        {
            if (!now.ContainsKey(k))
            {
                sb.Append("    - ").Append(k).Append('\n');
                changed = true;
            }
        }
        if (!changed && !after.Dropped)
        {
            sb.Append("    (no change)\n");
        }
    }

    private static string Value(FieldValue v) => v.Kind switch
    {
        ValueKind.String => "\"" + v.Text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "\"",
        _ => v.Text,
    };
}
