namespace Vigie.Web.Model;

/// <summary>
/// Splits a query text into coloured tokens for the query bar. Purely lexical (it must follow every
/// keystroke, valid or not) and lossless: the tokens' texts concatenate back to the input, so the
/// highlighted copy lines up with the text field above it.
/// </summary>
public static class QueryHighlighter
{
    public readonly record struct Token(string Text, string Class);

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal) { "AND", "OR", "NOT", "TO", "by", "as", "asc", "desc" };

    public static IEnumerable<Token> Tokens(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            yield break;
        }
        var afterPipe = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var start = i;
            if (c == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    i += text[i] == '\\' ? 2 : 1;
                }
                i = Math.Min(text.Length, i + 1);
                yield return new(text[start..i], "str");
            }
            else if (c == '|')
            {
                i++;
                afterPipe = true;
                yield return new("|", "pipe");
            }
            else if (char.IsWhiteSpace(c) || c is '(' or ')' or ',' or '[' or ']' or '{' or '}')
            {
                i++;
                yield return new(text[start..i], "");
            }
            else
            {
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('"' or '|' or '(' or ')' or ',' or ':'))
                {
                    i++;
                }
                if (i == start)
                {
                    // A lone ':' (or other separator).
                    i++;
                    yield return new(text[start..i], "");
                    continue;
                }
                var word = text[start..i];
                var next = i < text.Length ? text[i] : '\0';
                string cls;
                if (afterPipe)
                {
                    cls = "pipe";
                    afterPipe = false;
                }
                else if (Keywords.Contains(word))
                {
                    cls = "kw";
                }
                else if (next == ':')
                {
                    cls = "field-name";
                }
                else if (next == '(')
                {
                    cls = "fn";
                }
                else if (char.IsAsciiDigit(word[0]))
                {
                    cls = "num";
                }
                else
                {
                    cls = "";
                }
                yield return new(word, cls);
            }
        }
    }
}
