using System.Text.RegularExpressions;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary>
/// Joins continuation lines (stack traces, tracebacks) to the event they continue, per stream. The
/// joining itself is done by <see cref="PipelineSet"/> before any pipeline runs, since it spans events
/// and batches; this object holds the rule.
/// </summary>
public sealed class MultilineProcessor : Processor
{
    public MultilineProcessor(string field, Regex? continuation, Regex? start, TimeSpan timeout, int maxLines)
    {
        Field = field;
        Continuation = continuation;
        Start = start;
        Timeout = timeout;
        MaxLines = maxLines;
    }

    public override string Type => "multiline";

    public string Field { get; }

    /// <summary>A line matching this continues the previous one.</summary>
    public Regex? Continuation { get; }

    /// <summary>A line matching this starts an event; any other continues the previous one.</summary>
    public Regex? Start { get; }

    /// <summary>How long the last event of a stream waits for a continuation before it is stored.</summary>
    public TimeSpan Timeout { get; }

    public int MaxLines { get; }

    public bool IsContinuation(string text) => Continuation is not null ? Continuation.IsMatch(text) : !Start!.IsMatch(text);

    public override string? Apply(PipelineEvent e) => null;
}
