using System.Text;
using Vigie.Core;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary><c>set</c>: sets a field to a value in which <c>{{name}}</c> is replaced by the value of field <c>name</c>.</summary>
public sealed class SetProcessor(string field, string value, bool overwrite, ValueKind kind) : Processor
{
    public override string Type => "set";

    public override IReadOnlyCollection<string>? Writes => [@field];

    public override string? Apply(PipelineEvent e)
    {
        if (!overwrite && e.Has(field))
        {
            return null;
        }
        e.Set(field, new FieldValue(kind, Expand(value, e)));
        return null;
    }

    private static string Expand(string template, PipelineEvent e)
    {
        var open = template.IndexOf("{{", StringComparison.Ordinal);
        if (open < 0)
        {
            return template;
        }
        var sb = new StringBuilder();
        var i = 0;
        while (open >= 0)
        {
            var close = template.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                break;
            }
            sb.Append(template, i, open - i);
            sb.Append(e.GetText(template[(open + 2)..close].Trim()) ?? "");
            i = close + 2;
            open = template.IndexOf("{{", i, StringComparison.Ordinal);
        }
        sb.Append(template, i, template.Length - i);
        return sb.ToString();
    }
}
