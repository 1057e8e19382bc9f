namespace Vigie.Query.Syntax;

/// <summary>A query that does not parse; the message reads <c>line 1, column 14: expected a value after ':'</c>.</summary>
public sealed class QueryParseException : Exception
{
    public QueryParseException(string reason, int position, int line, int column)
        : base($"line {line}, column {column}: {reason}")
    {
        Reason = reason;
        Position = position;
        Line = line;
        Column = column;
    }

    /// <summary>What was expected, without the location.</summary>
    public string Reason { get; }

    /// <summary>0-based offset in the query text.</summary>
    public int Position { get; }

    /// <summary>1-based.</summary>
    public int Line { get; }

    /// <summary>1-based, counted in UTF-16 code units from the start of the line.</summary>
    public int Column { get; }

    internal static QueryParseException At(string text, int position, string reason)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < position && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return new QueryParseException(reason, position, line, position - lineStart + 1);
    }
}
