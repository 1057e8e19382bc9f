namespace Vigie.Web.Model;

/// <summary>Marks the query's words in a message, as live tail shows them.</summary>
public static class Highlight
{
    public readonly record struct Part(string Text, bool Hit);

    /// <summary>The plain words and phrases of a filter (not field names, operators or values of other fields).</summary>
    public static IReadOnlyList<string> Words(string? query)
    {
        var words = new List<string>();
        // A value after "field:" is not in the message, and a word after NOT never shows in a match.
        var skipNext = false;
        foreach (var token in QueryHighlighter.Tokens(query))
        {
            var text = token.Text.Trim();
            if (text.Length == 0)
            {
                continue;
            }
            if (text == ":" || text == "NOT" || token.Class == "field-name")
            {
                skipNext = true;
                continue;
            }
            if (skipNext)
            {
                skipNext = false;
                continue;
            }
            if (token.Class == "str")
            {
                text = text.Trim('"');
            }
            else if (token.Class is not "" || text is "*" || text.StartsWith('-') || text is "(" or ")")
            {
                continue;
            }
            text = text.TrimEnd('*');
            if (text.Length > 0)
            {
                words.Add(text);
            }
        }
        return words;
    }

    /// <summary>Splits <paramref name="text"/> into parts, marking case-insensitive occurrences of the words.</summary>
    public static IEnumerable<Part> Split(string text, IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(words);
        var at = 0;
        while (at < text.Length)
        {
            var best = -1;
            var length = 0;
            foreach (var w in words)
            {
                var i = text.IndexOf(w, at, StringComparison.OrdinalIgnoreCase);
                if (i >= 0 && (best < 0 || i < best))
                {
                    best = i;
                    length = w.Length;
                }
            }
            if (best < 0)
            {
                yield return new Part(text[at..], false);
                yield break;
            }
            if (best > at)
            {
                yield return new Part(text[at..best], false);
            }
            yield return new Part(text.Substring(best, length), true);
            at = best + length;
        }
    }
}
