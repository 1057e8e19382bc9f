using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Web.Model;

/// <summary>What one stream sent recently: the last minute it was seen and its mean rate over the window.</summary>
public sealed record StreamActivity(string Stream, long Events, long LastSeenNs, double PerMinute)
{
    /// <summary>
    /// Reads the rows of <c>* | stats count() as events by (_stream, _time:1m)</c> over a window of
    /// <paramref name="windowMinutes"/> minutes; the most recently seen streams first.
    /// </summary>
    public static IReadOnlyList<StreamActivity> From(IEnumerable<IRow> rows, double windowMinutes)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var streams = new Dictionary<string, (long Events, long Last)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var stream = row.Get(FieldNames.Stream)?.Text ?? "";
            if (row.TimeNs is not { } t || row.Get("events") is not { } n || !n.TryGetNumber(out var count))
            {
                continue;
            }
            var (events, last) = streams.GetValueOrDefault(stream);
            streams[stream] = (events + (long)count, Math.Max(last, t));
        }
        return [.. streams
            .Select(s => new StreamActivity(s.Key, s.Value.Events, s.Value.Last, s.Value.Events / Math.Max(1, windowMinutes)))
            .OrderByDescending(s => s.LastSeenNs)
            .ThenBy(s => s.Stream, StringComparer.Ordinal)];
    }
}
