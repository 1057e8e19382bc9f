using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigie.Core;

namespace Vigie.Cli.Query;

/// <summary>
/// Lays result rows out in aligned columns. Events (rows with <c>_time</c> and <c>_msg</c> or
/// <c>_stream</c>) show <c>_time</c>, <c>_stream</c> (unless every event has the empty stream), the other
/// fields in the order first seen, and <c>_msg</c> last, cut to the terminal's width when there is one.
/// Stats rows show their keys in order. Columns whose every value is a number are right-aligned.
/// </summary>
public static class TableFormatter
{
    private const string Gap = "  ";
    private const int MinMessageWidth = 20;

    /// <summary>Parses one NDJSON result line into its cells, keys in order.</summary>
    public static List<KeyValuePair<string, TableCell>> ParseRow(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var row = new List<KeyValuePair<string, TableCell>>();
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            row.Add(new("value", Cell(doc.RootElement)));
            return row;
        }
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            row.Add(new(property.Name, Cell(property.Value)));
        }
        return row;
    }

    private static TableCell Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => new TableCell(value.GetString() ?? "", NumberText.TryParse(value.GetString(), out _)),
        JsonValueKind.Number => new TableCell(value.GetRawText(), true),
        JsonValueKind.True => new TableCell("true", false),
        JsonValueKind.False => new TableCell("false", false),
        JsonValueKind.Null => new TableCell("", false),
        _ => new TableCell(value.GetRawText(), false),
    };

    /// <param name="rows">The rows, each its cells by key.</param>
    /// <param name="width">The terminal's width, to cut <c>_msg</c> to; null not to cut.</param>
    public static string Format(IReadOnlyList<IReadOnlyList<KeyValuePair<string, TableCell>>> rows, int? width)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return "";
        }
        var events = rows.All(IsEvent);
        var columns = Columns(rows, events);
        var cells = new string[rows.Count][];
        var widths = columns.Select(c => c.Length).ToArray();
        var numeric = columns.Select(c => c != FieldNames.Time).ToArray();
        for (var r = 0; r < rows.Count; r++)
        {
            cells[r] = new string[columns.Count];
            for (var c = 0; c < columns.Count; c++)
            {
                var found = Find(rows[r], columns[c]);
                var text = Printable(found?.Text ?? "");
                cells[r][c] = text;
                widths[c] = Math.Max(widths[c], text.Length);
                if (text.Length > 0 && found is { IsNumber: false })
                {
                    numeric[c] = false;
                }
            }
        }
        var last = columns.Count - 1;
        if (events && columns[last] == FieldNames.Message)
        {
            numeric[last] = false;
            if (width is { } w)
            {
                var before = widths.Take(last).Sum() + Gap.Length * last;
                widths[last] = Math.Min(widths[last], Math.Max(MinMessageWidth, w - before));
            }
        }
        var output = new StringBuilder();
        AppendLine(output, columns, widths, numeric);
        foreach (var row in cells)
        {
            AppendLine(output, row, widths, numeric);
        }
        return output.ToString();
    }

    private static void AppendLine(StringBuilder output, IReadOnlyList<string> cells, int[] widths, bool[] numeric)
    {
        var line = new StringBuilder();
        for (var c = 0; c < cells.Count; c++)
        {
            if (c > 0)
            {
                line.Append(Gap);
            }
            var text = cells[c].Length > widths[c] ? string.Concat(cells[c].AsSpan(0, widths[c] - 1), "…") : cells[c];
            var pad = widths[c] - text.Length;
            if (numeric[c])
            {
                line.Append(' ', pad).Append(text);
            }
            else
            {
                line.Append(text).Append(' ', c == cells.Count - 1 ? 0 : pad);
            }
        }
        output.Append(line.ToString().TrimEnd()).Append('\n');
    }

    private static List<string> Columns(IReadOnlyList<IReadOnlyList<KeyValuePair<string, TableCell>>> rows, bool events)
    {
        var seen = new List<string>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            foreach (var (key, _) in row)
            {
                if (known.Add(key))
                {
                    seen.Add(key);
                }
            }
        }
        if (!events)
        {
            return seen;
        }
        var columns = new List<string> { FieldNames.Time };
        var showStream = rows.Any(r => Find(r, FieldNames.Stream) is { Text: not ("" or "{}") });
        if (showStream)
        {
            columns.Add(FieldNames.Stream);
        }
        columns.AddRange(seen.Where(k => k is not (FieldNames.Time or FieldNames.Stream or FieldNames.Message)));
        if (known.Contains(FieldNames.Message))
        {
            columns.Add(FieldNames.Message);
        }
        return columns;
    }

    private static bool IsEvent(IReadOnlyList<KeyValuePair<string, TableCell>> row) =>
        Find(row, FieldNames.Time) is not null && (Find(row, FieldNames.Message) is not null || Find(row, FieldNames.Stream) is not null);

    private static TableCell? Find(IReadOnlyList<KeyValuePair<string, TableCell>> row, string key)
    {
        foreach (var (k, v) in row)
        {
            if (k == key)
            {
                return v;
            }
        }
        return null;
    }

    /// <summary>Control characters would break the layout; they are shown escaped as in JSON.</summary>
    private static string Printable(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\0', '\u001f'))
        {
            return text;
        }
        var s = new StringBuilder(text.Length + 8);
        foreach (var ch in text)
        {
            s.Append(ch switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => "\\u" + ((int)ch).ToString("x4", CultureInfo.InvariantCulture),
                _ => ch.ToString(),
            });
        }
        return s.ToString();
    }
}
