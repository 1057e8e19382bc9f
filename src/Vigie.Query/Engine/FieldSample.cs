using Vigie.Core;

namespace Vigie.Query.Engine;

/// <summary>
/// Counts, per field, how many of a few rows have it and its most frequent values: the field
/// sidebar's summary, taken from the newest matching events rather than from all of them (as
/// Kibana does). An exact summary (<see cref="QueryEngine.SummarizeFields"/>) reads every field of
/// every match, seconds over millions of events; a sample of a thousand rows costs a millisecond
/// and, for the values worth a click, tells the same story.
/// </summary>
public static class FieldSample
{
    /// <summary>How many of the newest matching events the UI summarises.</summary>
    public const int DefaultSize = 1000;

    /// <summary>
    /// Summarises the rows' fields (each row given as its columns; <c>_time</c> is left out, as in the
    /// exact summary, since every event has its own). Fields by descending count, then name.
    /// </summary>
    public static (long Events, IReadOnlyList<FieldSummary> Fields) Summarize(IEnumerable<IEnumerable<KeyValuePair<string, FieldValue>>> rows, int topValues)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(topValues);
        long events = 0;
        var fields = new Dictionary<string, (long Count, Dictionary<string, long> Values)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            events++;
            foreach (var (name, value) in row)
            {
                if (value.Kind == ValueKind.Absent || name == FieldNames.Time)
                {
                    continue;
                }
                if (!fields.TryGetValue(name, out var field))
                {
                    field = (0, new Dictionary<string, long>(StringComparer.Ordinal));
                }
                field.Values[value.Text] = field.Values.GetValueOrDefault(value.Text) + 1;
                fields[name] = (field.Count + 1, field.Values);
            }
        }
        var summaries = fields
            .OrderByDescending(f => f.Value.Count).ThenBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => new FieldSummary(f.Key, f.Value.Count, f.Value.Values.Count, DistinctIsLowerBound: false,
                [.. f.Value.Values.OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal).Take(topValues).Select(v => (v.Key, v.Value))]))
            .ToList();
        return (events, summaries);
    }
}
