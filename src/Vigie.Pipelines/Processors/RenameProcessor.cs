using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary><c>rename</c>: moves fields to new names; a missing field is skipped.</summary>
public sealed class RenameProcessor(IReadOnlyList<KeyValuePair<string, string>> renames) : Processor, ISpanProcessor
{
    public override string Type => "rename";

    public override IReadOnlyCollection<string>? Writes => [.. renames.SelectMany(r => new[] { r.Key, r.Value }).Distinct(StringComparer.Ordinal)];

    public override string? Apply(PipelineEvent e)
    {
        foreach (var (from, to) in renames)
        {
            e.Rename(from, to);
        }
        return null;
    }

    bool ISpanProcessor.TryApply(SpanEvent e)
    {
        for (var k = 0; k < renames.Count; k++)
        {
            var (from, to) = renames[k];
            e.Rename(from, to);
        }
        return true;
    }
}
