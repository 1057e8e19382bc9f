using Vigie.Core;
using Vigie.Pipelines.Grok;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary><c>grok</c>: the first pattern that matches the field fills fields from its named captures.</summary>
public sealed class GrokProcessor(string field, IReadOnlyList<GrokExpression> patterns, bool ignoreMissing) : Processor
{
    public override string Type => "grok";

    public override string? Apply(PipelineEvent e)
    {
        var text = e.GetText(field);
        if (text is null)
        {
            return ignoreMissing ? null : $"field '{field}' is missing";
        }
        foreach (var expression in patterns)
        {
            var match = expression.Regex.Match(text);
            if (!match.Success)
            {
                continue;
            }
            foreach (var capture in expression.Captures)
            {
                var group = match.Groups[capture.Group];
                if (!group.Success)
                {
                    continue;
                }
                var value = group.Value;
                if (capture.Type == GrokType.String)
                {
                    e.Set(capture.Field, FieldValue.Str(value));
                }
                else if (GrokTypes.TryConvert(value, capture.Type, out var converted))
                {
                    e.Set(capture.Field, converted);
                }
                else
                {
                    return $"'{capture.Field}': '{value}' is not {capture.Type.ToString().ToLowerInvariant()}";
                }
            }
            return null;
        }
        return patterns.Count == 1 ? $"'{field}' does not match {patterns[0].Source}" : $"'{field}' matches none of the {patterns.Count} patterns";
    }
}
