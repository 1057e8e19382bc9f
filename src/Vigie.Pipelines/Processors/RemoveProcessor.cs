using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary><c>remove</c>: deletes fields; a missing field is skipped.</summary>
public sealed class RemoveProcessor(IReadOnlyList<string> fields) : Processor, ISpanProcessor
{
    public override string Type => "remove";

    public override IReadOnlyCollection<string>? Writes => fields;

    public override string? Apply(PipelineEvent e)
    {
        foreach (var f in fields)
        {
            e.Remove(f);
        }
        return null;
    }

    bool ISpanProcessor.TryApply(SpanEvent e)
    {
        for (var k = 0; k < fields.Count; k++)
        {
            var f = fields[k];
            e.Remove(f);
        }
        return true;
    }
}
