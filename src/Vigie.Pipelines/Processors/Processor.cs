using Vigie.Pipelines.Model;
using Vigie.Query.Matching;

namespace Vigie.Pipelines.Processors;

/// <summary>
/// One step of a pipeline. Instances are immutable after construction and shared by every thread
/// that ingests, so <see cref="Apply"/> keeps no state between events.
/// </summary>
public abstract class Processor
{
    /// <summary>The processor's type as written in the config, e.g. <c>grok</c>.</summary>
    public abstract string Type { get; }

    /// <summary>The name in traces and metrics: the config's <c>id</c>, else <c>type</c> or <c>type#n</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>The processor runs only on events that match (<c>if:</c> in the config); null for all.</summary>
    public RowMatcher? Condition { get; set; }

    /// <summary>The same condition in the form that also tests a <see cref="SpanEvent"/>'s bytes (set with <see cref="Condition"/> by the config loader).</summary>
    internal Model.Condition? When { get; set; }

    /// <summary>
    /// The fields this processor may set, change or remove; null when it cannot say (it may write any
    /// field, e.g. <c>json</c>). The pipelines use it to decide, once per stream, which later conditions
    /// a value that no earlier step can touch (<c>service</c>) already answers.
    /// </summary>
    public virtual IReadOnlyCollection<string>? Writes => null;

    /// <summary>Changes <paramref name="e"/>; returns null on success, else why it failed.</summary>
    public abstract string? Apply(PipelineEvent e);
}
