using System.Text.Json;
using Vigie.Core;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Playground;

/// <summary>
/// Runs sample lines through pipelines and records the event after every processor: the engine of
/// <c>vigie pipeline test</c> and <c>POST /api/v1/pipelines/test</c>. Nothing is stored.
/// </summary>
public static class PipelinePlayground
{
    /// <summary>
    /// A sample line as an event: a JSON object gives its fields (as the ingest API takes them), any
    /// other line is the <c>_msg</c> of an event. <paramref name="extra"/> fields (e.g. service=nginx)
    /// are added unless the line has them.
    /// </summary>
    public static PipelineEvent ParseLine(string line, long nowNs, IReadOnlyList<KeyValuePair<string, string>>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(line);
        var e = new PipelineEvent(nowNs, StreamKey.Empty, []);
        var trimmed = line.TrimStart();
        var parsed = false;
        if (trimmed.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(trimmed);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    Processors.JsonProcessor.Flatten(e, doc.RootElement, "");
                    parsed = true;
                }
            }
            catch (JsonException)
            {
                parsed = false;
            }
        }
        if (!parsed)
        {
            e.Set(FieldNames.Message, line);
        }
        if (e.GetText(FieldNames.Time) is { } t && Timestamps.TryParseRfc3339(t, out var ns))
        {
            e.TimeNs = ns;
        }
        foreach (var (k, v) in extra ?? [])
        {
            if (!e.Has(k))
            {
                e.Set(k, v);
            }
        }
        return e;
    }

    /// <summary>Runs every event through the one <paramref name="pipeline"/>, whatever its condition says.</summary>
    public static IReadOnlyList<TraceResult> RunOne(Pipeline pipeline, IReadOnlyList<string> lines, long nowNs, IReadOnlyList<KeyValuePair<string, string>>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var metrics = new PipelineMetrics();
        return Run(lines, nowNs, extra, e => pipeline.Multiline is { } ml ? (pipeline, ml) : default, (e, trace) =>
        {
            pipeline.Run(e, metrics, trace);
            return [pipeline.Name];
        });
    }

    /// <summary>Runs every event through the pipelines of <paramref name="set"/> whose condition it matches, as ingestion does.</summary>
    public static IReadOnlyList<TraceResult> RunAll(PipelineSet set, IReadOnlyList<string> lines, long nowNs, IReadOnlyList<KeyValuePair<string, string>>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        var metrics = new PipelineMetrics();
        return Run(lines, nowNs, extra, e => set.Pipelines.FirstOrDefault(p => p.Multiline is not null && p.Matches(e)) is { } p ? (p, p.Multiline!) : default, (e, trace) =>
        {
            var ran = new List<string>();
            foreach (var p in set.Pipelines)
            {
                if (e.Dropped)
                {
                    break;
                }
                if (p.Matches(e))
                {
                    ran.Add(p.Name);
                    p.Run(e, metrics, trace);
                }
            }
            return ran;
        });
    }

    /// <summary>Replays stored events (already events, not lines) through one pipeline.</summary>
    public static IReadOnlyList<TraceResult> Replay(Pipeline pipeline, IEnumerable<LogEvent> events)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(events);
        var metrics = new PipelineMetrics();
        var results = new List<TraceResult>();
        var n = 0;
        foreach (var stored in events)
        {
            n++;
            var e = PipelineEvent.FromLogEvent(stored);
            var before = Snapshot(e);
            var recorder = new Recorder();
            pipeline.Run(e, metrics, recorder);
            results.Add(new TraceResult(n, e.Message, before, recorder.Steps, Snapshot(e), [pipeline.Name]));
        }
        return results;
    }

    private static List<TraceResult> Run(
        IReadOnlyList<string> lines,
        long nowNs,
        IReadOnlyList<KeyValuePair<string, string>>? extra,
        Func<PipelineEvent, (Pipeline Pipeline, Processors.MultilineProcessor Rule)> multiline,
        Func<PipelineEvent, IPipelineTrace, IReadOnlyList<string>> run)
    {
        ArgumentNullException.ThrowIfNull(lines);
        // Multiline first, as ingestion does: continuation lines join the event before them.
        var events = new List<(int Line, string Input, PipelineEvent Event)>();
        for (var i = 0; i < lines.Count; i++)
        {
            var e = ParseLine(lines[i], nowNs, extra);
            var (_, rule) = multiline(e);
            if (rule is not null && events.Count > 0 && events[^1].Event is var last && rule.IsContinuation(e.GetText(rule.Field) ?? "")
                && multiline(last).Rule == rule)
            {
                last.Set(rule.Field, (last.GetText(rule.Field) ?? "") + "\n" + (e.GetText(rule.Field) ?? ""));
                events[^1] = (events[^1].Line, events[^1].Input + "\n" + lines[i], last);
                continue;
            }
            events.Add((i + 1, lines[i], e));
        }
        var results = new List<TraceResult>(events.Count);
        foreach (var (line, input, e) in events)
        {
            var before = Snapshot(e);
            var recorder = new Recorder();
            var ran = run(e, recorder);
            results.Add(new TraceResult(line, input, before, recorder.Steps, Snapshot(e), ran));
        }
        return results;
    }

    private static EventSnapshot Snapshot(PipelineEvent e) => new(e.TimeNs, [.. e.Fields], e.Dropped);

    private sealed class Recorder : IPipelineTrace
    {
        public List<TraceStep> Steps { get; } = [];

        public void Step(Pipeline pipeline, Processors.Processor processor, PipelineEvent after, bool skipped, string? error) =>
            Steps.Add(new TraceStep(pipeline.Name, processor.Id, skipped, error, Snapshot(after)));
    }
}
