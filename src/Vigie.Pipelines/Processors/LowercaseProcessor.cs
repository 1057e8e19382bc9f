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
        // Indexed: foreach over an IReadOnlyList boxes its enumerator, an object per event (sshd's every line).
        for (var k = 0; k < fields.Count; k++)
        {
            var f = fields[k];
            if (e.Get(f) is { } v && v.Kind == ValueKind.String)
            {
                e.Set(f, FieldValue.Str(v.Text.ToLowerInvariant()));
            }
        }
        return true;
    }
}
