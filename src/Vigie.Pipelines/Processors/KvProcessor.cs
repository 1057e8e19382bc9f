using Vigie.Core;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary><c>kv</c>: splits a field into pairs on <c>field_split</c>, each pair on <c>value_split</c>.</summary>
public sealed class KvProcessor(string field, string fieldSplit, string valueSplit, string? prefix, string trim, IReadOnlySet<string>? include) : Processor
{
    public override string Type => "kv";

    public override string? Apply(PipelineEvent e)
    {
        var text = e.GetText(field);
        if (text is null)
        {
            return $"field '{field}' is missing";
        }
        var found = 0;
        foreach (var pair in text.Split(fieldSplit, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = pair.IndexOf(valueSplit, StringComparison.Ordinal);
            if (at <= 0)
            {
                continue;
            }
            var key = pair[..at].Trim();
            if (include is not null && !include.Contains(key))
            {
                continue;
            }
            var value = pair[(at + valueSplit.Length)..].Trim().Trim(trim.ToCharArray());
            e.Set(prefix + key, NumberText.TryParse(value, out _) ? FieldValue.Num(value) : FieldValue.Str(value));
            found++;
        }
        return found == 0 ? $"'{field}' holds no pair separated by '{valueSplit}'" : null;
    }
}
