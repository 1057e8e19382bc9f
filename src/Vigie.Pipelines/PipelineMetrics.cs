using System.Collections.Concurrent;

namespace Vigie.Pipelines;

/// <summary>
/// Counters per pipeline and processor, kept across reloads (a counter that went back to zero on each
/// reload would read as a reset to Prometheus).
/// </summary>
public sealed class PipelineMetrics
{
    private readonly ConcurrentDictionary<(string Pipeline, string Processor), StepCounters> _steps = new();

    /// <summary>Events whose <c>_pipeline</c> field named no pipeline (kept as they came, tagged).</summary>
    public long UnknownRoutes;

    /// <summary>The counters of a processor; <paramref name="processor"/> is empty for the pipeline as a whole.</summary>
    public StepCounters For(string pipeline, string processor) => _steps.GetOrAdd((pipeline, processor), static _ => new StepCounters());

    public IReadOnlyList<KeyValuePair<(string Pipeline, string Processor), StepCounters>> Snapshot() =>
        [.. _steps.OrderBy(p => p.Key.Pipeline, StringComparer.Ordinal).ThenBy(p => p.Key.Processor, StringComparer.Ordinal)];
}

/// <summary>Events that went into a step, came out of it (not dropped) and failed in it.</summary>
public sealed class StepCounters
{
    public long In;
    public long Out;
    public long Failed;
}
