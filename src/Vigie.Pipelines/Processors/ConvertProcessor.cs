using Vigie.Core;
using Vigie.Pipelines.Grok;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary><c>convert</c>: changes the type of fields (int, float, bool, string); a value that does not convert fails.</summary>
public sealed class ConvertProcessor(IReadOnlyList<KeyValuePair<string, GrokType>> fields) : Processor
{
    public override string Type => "convert";

    public override string? Apply(PipelineEvent e)
    {
        foreach (var (name, type) in fields)
        {
            if (e.GetText(name) is not { } text)
            {
                continue;
            }
            if (!GrokTypes.TryConvert(text, type, out var value))
            {
                return $"'{name}': '{text}' is not {type.ToString().ToLowerInvariant()}";
            }
            e.Set(name, value);
        }
        return null;
    }
}
