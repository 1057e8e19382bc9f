using System.Text;

namespace Vigie.Ingestion.Loki;

/// <summary>Parses a Loki stream label set as the protobuf push carries it: <c>{job="web", host="a\"b"}</c>.</summary>
public static class LokiLabels
{
    /// <summary>The labels in order, or null with <paramref name="error"/> when the text is not a label set.</summary>
    public static List<KeyValuePair<string, string>>? Parse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var labels = new List<KeyValuePair<string, string>>();
        var s = text.AsSpan().Trim();
        error = null;
        if (s.Length < 2 || s[0] != '{' || s[^1] != '}')
        {
            error = "labels must be written {name=\"value\", ...}";
            return null;
        }
        var i = 1;
        var end = s.Length - 1;
        var value = new StringBuilder();
        while (true)
        {
            while (i < end && (s[i] == ' ' || s[i] == ','))
            {
                i++;
            }
            if (i >= end)
            {
                return labels;
            }
            var nameStart = i;
            while (i < end && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_' || s[i] == '.'))
            {
                i++;
            }
            if (i == nameStart)
            {
                error = $"a label name is expected at character {i}";
                return null;
            }
            var name = s[nameStart..i].ToString();
            while (i < end && s[i] == ' ')
            {
                i++;
            }
            if (i >= end || s[i] != '=' || i + 1 >= end || s[i + 1] != '"')
            {
                error = $"=\"value\" is expected after label {name}";
                return null;
            }
            i += 2;
            value.Clear();
            while (i < end && s[i] != '"')
            {
                if (s[i] == '\\' && i + 1 < end)
                {
                    i++;
                    value.Append(s[i] switch { 'n' => '\n', 't' => '\t', _ => s[i] });
                }
                else
                {
                    value.Append(s[i]);
                }
                i++;
            }
            if (i >= end)
            {
                error = $"the value of label {name} is not closed";
                return null;
            }
            i++;
            labels.Add(new(name, value.ToString()));
        }
    }
}
