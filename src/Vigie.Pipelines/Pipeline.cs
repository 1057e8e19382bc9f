using Vigie.Core;
using Vigie.Pipelines.Model;
using Vigie.Pipelines.Processors;
using Vigie.Query.Matching;
using Vigie.Query.Rows;

namespace Vigie.Pipelines;

/// <summary>A named pipeline: a condition and the processors that run, in order, on the events it selects.</summary>
public sealed class Pipeline
{
    /// <summary>The field a failure is recorded in.</summary>
    public const string ErrorField = "_pipeline_error";

    public Pipeline(string name, Condition? condition, IReadOnlyList<Processor> processors, bool builtIn = false)
    {
        Name = name;
        Condition = condition;
        Processors = processors;
        BuiltIn = builtIn;
        Multiline = processors.OfType<MultilineProcessor>().FirstOrDefault();
        var writes = new HashSet<string>(StringComparer.Ordinal) { ErrorField };
        foreach (var p in processors)
        {
            if (p.Writes is not { } w)
            {
                writes = null;
                break;
            }
            writes.UnionWith(w);
        }
        Writes = writes;
    }

    /// <summary>
    /// The fields a run of this pipeline may set, change or remove (its steps' and <see cref="ErrorField"/>);
    /// null when a step may write any field.
    /// </summary>
    internal IReadOnlySet<string>? Writes { get; }

    private BoundCounters? _bound;

    public string Name { get; }

    public Condition? Condition { get; }

    public IReadOnlyList<Processor> Processors { get; }

    public bool BuiltIn { get; }

    /// <summary>The pipeline's multiline step (always its first), which runs before any pipeline.</summary>
    public MultilineProcessor? Multiline { get; }

    public bool Matches(IRow row) => Condition is null || Condition.Matches(row);

    internal bool Matches(EventBatch batch, int index, BatchEventRow row) => Condition is null || Condition.Matches(batch, index, row);

    /// <summary>
    /// Runs the processors on <paramref name="e"/>. When one fails, the event goes back to what it was
    /// before this pipeline, tagged with <see cref="ErrorField"/>, and the rest of the pipeline is skipped.
    /// </summary>
    public void Run(PipelineEvent e, PipelineMetrics metrics, IPipelineTrace? trace = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(metrics);
        var counters = CountersFor(metrics);
        var whole = counters[^1];
        Interlocked.Increment(ref whole.In);
        var before = e.Clone();
        for (var i = 0; i < Processors.Count; i++)
        {
            var p = Processors[i];
            if (p is MultilineProcessor)
            {
                continue;
            }
            if (p.Condition is { } c && !c.Matches(e))
            {
                trace?.Step(this, p, e, skipped: true, error: null);
                continue;
            }
            var step = counters[i];
            Interlocked.Increment(ref step.In);
            string? error;
            try
            {
                error = p.Apply(e);
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                error = "regular expression timed out on this value";
            }
            catch (Exception x) when (x is not (OutOfMemoryException or StackOverflowException))
            {
                // A processor's bug must not cost the batch: the event is kept and tagged like any failure.
                error = $"{x.GetType().Name}: {x.Message}";
            }
            if (error is not null)
            {
                Interlocked.Increment(ref step.Failed);
                Interlocked.Increment(ref whole.Failed);
                e.RestoreFrom(before);
                e.Set(ErrorField, $"{Name}/{p.Id}: {error}");
                trace?.Step(this, p, e, skipped: false, error: error);
                Interlocked.Increment(ref whole.Out);
                return;
            }
            trace?.Step(this, p, e, skipped: false, error: null);
            if (e.Dropped)
            {
                return;
            }
            Interlocked.Increment(ref step.Out);
        }
        Interlocked.Increment(ref whole.Out);
    }

    /// <summary>
    /// The fast path of <see cref="Run"/>: every step that runs must have a fast form, and every one must
    /// succeed; otherwise false, and the caller runs the event again from the start on the slow path
    /// (which reports the failure). The steps that count an event in or out are only listed here, by
    /// their index in <see cref="Counters"/>: the caller counts them once the whole event succeeded.
    /// </summary>
    /// <param name="tag">Added to each listed index (the caller's number for this pipeline).</param>
    internal bool TryRunFast(SpanEvent e, List<int> ins, List<int> outs, int tag)
    {
        var whole = tag + Processors.Count;
        ins.Add(whole);
        for (var i = 0; i < Processors.Count; i++)
        {
            var p = Processors[i];
            if (p is MultilineProcessor)
            {
                continue;
            }
            if (p.Condition is { } c && !(p.When is { } when ? when.Matches(e) : c.Matches(e)))
            {
                continue;
            }
            if (p is not ISpanProcessor fast)
            {
                return false;
            }
            try
            {
                if (!fast.TryApply(e))
                {
                    return false;
                }
            }
            catch (Exception x) when (x is not (OutOfMemoryException or StackOverflowException))
            {
                // The slow path runs it again and reports what went wrong.
                return false;
            }
            ins.Add(tag + i);
            if (e.Dropped)
            {
                return true;
            }
            outs.Add(tag + i);
        }
        outs.Add(whole);
        return true;
    }

    /// <summary>The counters of each processor then of the whole pipeline, looked up once per metrics registry rather than per event.</summary>
    internal StepCounters[] Counters(PipelineMetrics metrics) => CountersFor(metrics);

    private StepCounters[] CountersFor(PipelineMetrics metrics)
    {
        var bound = _bound;
        if (bound is not null && ReferenceEquals(bound.Metrics, metrics))
        {
            return bound.Counters;
        }
        StepCounters[] counters = [.. Processors.Select(p => metrics.For(Name, p.Id)), metrics.For(Name, "")];
        _bound = new BoundCounters(metrics, counters);
        return counters;
    }

    private sealed record BoundCounters(PipelineMetrics Metrics, StepCounters[] Counters);
}

/// <summary>Receives each step of a pipeline run (the playground); null in production.</summary>
public interface IPipelineTrace
{
    void Step(Pipeline pipeline, Processor processor, PipelineEvent after, bool skipped, string? error);
}
