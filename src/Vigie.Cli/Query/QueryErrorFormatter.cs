using System.Text;

namespace Vigie.Cli.Query;

/// <summary>Shows a query error under the query itself, with a caret at the column the server named.</summary>
public static class QueryErrorFormatter
{
    /// <param name="query">The query as sent.</param>
    /// <param name="message">The server's message.</param>
    /// <param name="line">1-based line of the query, when known.</param>
    /// <param name="column">1-based column (in characters), when known.</param>
    public static string Format(string query, string message, int? line, int? column)
    {
        ArgumentNullException.ThrowIfNull(query);
        var text = new StringBuilder();
        text.Append("error: ").Append(message).Append('\n');
        var lines = query.Split('\n');
        var index = Math.Clamp((line ?? 1) - 1, 0, lines.Length - 1);
        var shown = lines[index].TrimEnd('\r');
        text.Append("  ").Append(shown).Append('\n');
        if (column is { } c)
        {
            text.Append("  ");
            var before = Math.Clamp(c - 1, 0, shown.Length);
            // Tabs stay tabs so that the caret lines up however the terminal renders them.
            foreach (var ch in shown.AsSpan(0, before))
            {
                text.Append(ch == '\t' ? '\t' : ' ');
            }
            text.Append("^\n");
        }
        return text.ToString();
    }
}
