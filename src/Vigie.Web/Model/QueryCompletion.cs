using Vigie.Query.Engine;

namespace Vigie.Web.Model;

/// <summary>Suggestions for the word at the end of the query: field names, a field's top values, pipe names, or history.</summary>
public static class QueryCompletion
{
    private const int Max = 8;

    private static readonly string[] PipeNames = ["stats", "sort", "limit", "fields", "where", "top"];

    public static IReadOnlyList<Completion> Suggest(string? query, IReadOnlyList<FieldSummary> fields, IReadOnlyList<string> history)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(history);
        var text = query ?? "";
        if (text.Trim().Length == 0)
        {
            return [.. history.Take(Max).Select(h => new Completion(h, h, 0))];
        }
        var wordStart = text.LastIndexOfAny([' ', '(', '|', '\t']) + 1;
        var word = text[wordStart..];
        if (word.Length == 0 || word.Contains('"', StringComparison.Ordinal))
        {
            return [];
        }
        var beforeWord = text[..wordStart].TrimEnd();
        if (beforeWord.EndsWith('|'))
        {
            return [.. PipeNames.Where(p => p.StartsWith(word, StringComparison.Ordinal) && p != word).Select(p => new Completion(p, p + " ", wordStart))];
        }
        if (text.Contains('|', StringComparison.Ordinal))
        {
            // Inside pipes, names are stats aliases as often as fields: stay quiet.
            return [];
        }
        var colon = word.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            var name = word[..colon];
            var prefix = word[(colon + 1)..];
            var field = fields.FirstOrDefault(f => f.Name == name);
            if (field is null)
            {
                return [];
            }
            return [.. field.TopValues
                .Where(v => v.Value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && v.Value != prefix)
                .Take(Max)
                .Select(v => new Completion($"{name}:{v.Value}  ({v.Count})", name + ":" + QueryEdits.Quote(v.Value) + " ", wordStart))];
        }
        return [.. fields
            .Where(f => f.Name.StartsWith(word, StringComparison.OrdinalIgnoreCase) && f.Name != word)
            .Take(Max)
            .Select(f => new Completion(f.Name + ":", QueryEdits.Quote(f.Name) + ":", wordStart))];
    }
}
