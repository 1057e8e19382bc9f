using System.Text;
using Vigie.Core;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary><c>logfmt</c>: <c>level=info msg="user logged in" took=12ms</c> into fields; a bare key is <c>true</c>.</summary>
public sealed class LogfmtProcessor(string field, string? target) : Processor
{
    public override string Type => "logfmt";

    public override string? Apply(PipelineEvent e)
    {
        var text = e.GetText(field);
        if (text is null)
        {
            return $"field '{field}' is missing";
        }
        var prefix = string.IsNullOrEmpty(target) ? "" : target + ".";
        var i = 0;
        var found = 0;
        while (i < text.Length)
        {
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }
            if (i >= text.Length)
            {
                break;
            }
            var keyStart = i;
            while (i < text.Length && text[i] is not ('=' or ' ' or '"'))
            {
                i++;
            }
            if (i == keyStart)
            {
                return $"'{field}' is not logfmt: unexpected '{text[i]}' at column {i + 1}";
            }
            var key = text[keyStart..i];
            if (i >= text.Length || text[i] != '=')
            {
                e.Set(prefix + key, new FieldValue(ValueKind.Bool, "true"));
                found++;
                continue;
            }
            i++;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    var c = text[i++];
                    if (c == '\\' && i < text.Length)
                    {
                        var n = text[i++];
                        sb.Append(n switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => n });
                    }
                    else if (c == '"')
                    {
                        closed = true;
                        break;
                    }
                    else
                    {
                        sb.Append(c);
                    }
                }
                if (!closed)
                {
                    return $"'{field}' is not logfmt: unclosed quote after '{key}='";
                }
                value = sb.ToString();
            }
            else
            {
                var valueStart = i;
                while (i < text.Length && text[i] != ' ')
                {
                    i++;
                }
                value = text[valueStart..i];
            }
            e.Set(prefix + key, NumberText.TryParse(value, out _) ? FieldValue.Num(value) : FieldValue.Str(value));
            found++;
        }
        return found == 0 ? $"'{field}' holds no key=value pair" : null;
    }
}
