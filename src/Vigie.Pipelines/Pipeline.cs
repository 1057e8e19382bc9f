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

    public Pipeline(string name, RowMatcher? condition, IReadOnlyList<Processor> processors, bool builtIn = false)
    {
        Name = name;
        Condition = condition;
        Processors = processors;
        BuiltIn = builtIn;
        Multiline = processors.OfType<MultilineProcessor>().FirstOrDefault();
    }

    public string Name { get; }

    public RowMatcher? Condition { get; }

    public IReadOnlyList<Processor> Processors { get; }

    public bool BuiltIn { get; }

    /// <summary>The pipeline's multiline step (always its first), which runs before any pipeline.</summary>
    public MultilineProcessor? Multiline { get; }

    public bool Matches(IRow row) => Condition is null || Condition.Matches(row);

    /// <summary>
    /// Runs the processors on <paramref name="e"/>. When one fails, the event goes back to what it was
    /// before this pipeline, tagged with <see cref="ErrorField"/>, and the rest of the pipeline is skipped.
    /// </summary>
    public void Run(PipelineEvent e, PipelineMetrics metrics, IPipelineTrace? trace = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(metrics);
        var whole = metrics.For(Name, "");
        Interlocked.Increment(ref whole.In);
        var before = e.Clone();
        foreach (var p in Processors)
        {
            if (p is MultilineProcessor)
            {
                continue;
            }
            if (p.Condition is { } c && !c.Matches(e))
            {
                trace?.Step(this, p, e, skipped: true, error: null);
                continue;
            }
            var counters = metrics.For(Name, p.Id);
            Interlocked.Increment(ref counters.In);
            string? error;
            try
            {
                error = p.Apply(e);
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                error = "regular expression timed out on this value";
            }
            if (error is not null)
            {
                Interlocked.Increment(ref counters.Failed);
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
            Interlocked.Increment(ref counters.Out);
        }
        Interlocked.Increment(ref whole.Out);
    }
}

/// <summary>Receives each step of a pipeline run (the playground); null in production.</summary>
public interface IPipelineTrace
{
    void Step(Pipeline pipeline, Processor processor, PipelineEvent after, bool skipped, string? error);
}
