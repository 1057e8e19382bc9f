using System.Text;
using System.Text.Json;

namespace Vigie.Ingestion.Seq;

/// <summary>
/// Renders a Serilog message template (<c>User {User} logged in from {@Client}</c>) with the event's
/// properties, as Seq shows it: strings without quotes, other values as their JSON text; <c>{{</c> and
/// <c>}}</c> are literal braces; a hole whose property is missing stays as written.
/// </summary>
public static class MessageTemplate
{
    public static string Render(string template, JsonElement properties)
    {
        ArgumentNullException.ThrowIfNull(template);
        var text = new StringBuilder(template.Length + 32);
        var i = 0;
        while (i < template.Length)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                text.Append('{');
                i += 2;
                continue;
            }
            if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                text.Append('}');
                i += 2;
                continue;
            }
            if (c != '{')
            {
                text.Append(c);
                i++;
                continue;
            }
            var close = template.IndexOf('}', i + 1);
            if (close < 0)
            {
                text.Append(template, i, template.Length - i);
                break;
            }
            var hole = template.AsSpan(i + 1, close - i - 1);
            var name = hole.TrimStart("@$");
            var end = name.IndexOfAny(',', ':');
            if (end >= 0)
            {
                name = name[..end];
            }
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(name, out var value))
            {
                text.Append(value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText());
            }
            else
            {
                text.Append(template, i, close - i + 1);
            }
            i = close + 1;
        }
        return text.ToString();
    }
}
