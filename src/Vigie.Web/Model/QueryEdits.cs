using System.Text;

namespace Vigie.Web.Model;

/// <summary>Edits to the query text made by clicks: add a filter for or against a field's value.</summary>
public static class QueryEdits
{
    /// <summary>
    /// <c>field:"value"</c> (or <c>NOT field:"value"</c>) ANDed with the filter part of
    /// <paramref name="query"/>, keeping its pipes after it.
    /// </summary>
    public static string AddFilter(string? query, string field, string value, bool exclude = false)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(value);
        var term = (exclude ? "NOT " : "") + Quote(field) + ":" + Quote(value, always: true);
        var (filter, pipes, isOr) = Split((query ?? "").Trim());
        var combined = filter.Length == 0 || filter == "*" ? term : (isOr ? "(" + filter + ")" : filter) + " AND " + term;
        return pipes.Length == 0 ? combined : combined + " " + pipes;
    }

    /// <summary>The filter text, the pipes text (from its first <c>|</c>) and whether the filter is an OR at the top.</summary>
    public static (string Filter, string Pipes, bool IsOr) Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            var parsed = Vigie.Query.Syntax.Query.Parse(text.Length == 0 ? "*" : text);
            var whole = parsed.ToString();
            var filter = new Vigie.Query.Syntax.Query(parsed.Filter, []).ToString();
            return (filter, whole[filter.Length..].Trim(), parsed.Filter is Vigie.Query.Syntax.OrFilter);
        }
        catch (Vigie.Query.Syntax.QueryParseException)
        {
            // Not a valid query yet: edit the text as typed; running it will show the error.
            var pipe = PipeStart(text);
            return (text[..pipe].Trim(), text[pipe..], text.Contains(" OR ", StringComparison.Ordinal));
        }
    }

    /// <summary>The offset of the first <c>|</c> outside quotes, or the length when there is none.</summary>
    public static int PipeStart(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && quoted)
            {
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == '|' && !quoted)
            {
                return i;
            }
        }
        return text.Length;
    }

    /// <summary>Quotes a value (or a field name) when it is not a plain word.</summary>
    public static string Quote(string text, bool always = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var plain = text.Length > 0 && text.All(c => char.IsLetterOrDigit(c) || c is '_' or '.' or '-') && !always;
        if (plain)
        {
            return text;
        }
        var sb = new StringBuilder("\"");
        foreach (var c in text)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        return sb.Append('"').ToString();
    }
}
