using Vigie.Core;

namespace Vigie.Pipelines.Playground;

/// <summary>The event after one processor ran (or was skipped by its <c>if</c>), and why it failed if it did.</summary>
public sealed record TraceStep(string Pipeline, string Processor, bool Skipped, string? Error, EventSnapshot After);

/// <summary>An event frozen at one point of a trace.</summary>
public sealed record EventSnapshot(long TimeNs, IReadOnlyList<KeyValuePair<string, FieldValue>> Fields, bool Dropped);

/// <summary>One sample event through the pipelines: as it came, after each step, as it would be stored.</summary>
/// <param name="Line">1-based number of the first input line of the event.</param>
/// <param name="Input">The input text (joined lines for multiline).</param>
/// <param name="Before">The event as it came.</param>
/// <param name="Steps">Each processor that ran, in order.</param>
/// <param name="After">The event as it would be stored.</param>
/// <param name="Pipelines">The pipelines whose condition selected the event.</param>
public sealed record TraceResult(int Line, string Input, EventSnapshot Before, IReadOnlyList<TraceStep> Steps, EventSnapshot After, IReadOnlyList<string> Pipelines)
{
    public string? Error => Steps.LastOrDefault(s => s.Error is not null) is { } failed ? $"{failed.Pipeline}/{failed.Processor}: {failed.Error}" : null;
}
