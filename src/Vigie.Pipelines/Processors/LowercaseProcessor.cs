using Vigie.Core;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary><c>lowercase</c>: lower-cases the text of fields (invariant culture).</summary>
public sealed class LowercaseProcessor(IReadOnlyList<string> fields) : Processor, ISpanProcessor
{
    public override string Type => "lowercase";

    public override IReadOnlyCollection<string>? Writes => fields;

    public override string? Apply(PipelineEvent e)
    {
        foreach (var f in fields)
        {
            if (e.Get(f) is { } v && v.Kind == ValueKind.String)
            {
                e.Set(f, FieldValue.Str(v.Text.ToLowerInvariant()));
            }
        }
        return null;
    }

    bool ISpanProcessor.TryApply(SpanEvent e)
    {
        foreach (var f in fields)
        {
            if (e.Get(f) is { } v && v.Kind == ValueKind.String)
            {
                e.Set(f, FieldValue.Str(v.Text.ToLowerInvariant()));
            }
        }
        return true;
    }
}
