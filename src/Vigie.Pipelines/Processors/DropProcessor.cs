using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary><c>drop</c>: the event is not stored (use <c>if:</c> to choose which, e.g. health checks).</summary>
public sealed class DropProcessor : Processor, ISpanProcessor
{
    public override string Type => "drop";

    public override IReadOnlyCollection<string>? Writes => [];

    public override string? Apply(PipelineEvent e)
    {
        e.Dropped = true;
        return null;
    }

    bool ISpanProcessor.TryApply(SpanEvent e)
    {
        e.Dropped = true;
        return true;
    }
}
