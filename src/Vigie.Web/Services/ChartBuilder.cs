using Vigie.Core;
using Vigie.Query.Rows;
using Vigie.Web.Model;

namespace Vigie.Web.Services;

/// <summary>Turns rows of a <c>stats ... by (_time:STEP, series)</c> query into histogram data.</summary>
public static class ChartBuilder
{
    /// <summary>
    /// Reads each row's time (its <c>_time</c> bucket), its series (the other text columns joined
    /// with " / ", mapped by <paramref name="seriesMap"/>) and its value (the last numeric column).
    /// </summary>
    public static HistogramData TimeSeries(IEnumerable<IRow> rows, long startNs, long endNs, long bucketNs, Func<string, string>? seriesMap = null, Comparison<string>? order = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var perBucket = new SortedDictionary<long, Dictionary<string, long>>();
        var series = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row.TimeNs is not { } t)
            {
                continue;
            }
            var cols = row.Columns.Where(c => c.Key != FieldNames.Time).ToList();
            if (cols.Count == 0 || !cols[^1].Value.TryGetNumber(out var value))
            {
                continue;
            }
            var name = string.Join(" / ", cols.Take(cols.Count - 1).Select(c => c.Value.Text));
            name = seriesMap?.Invoke(name) ?? name;
            series.Add(name);
            if (!perBucket.TryGetValue(t, out var counts))
            {
                perBucket[t] = counts = new Dictionary<string, long>(StringComparer.Ordinal);
            }
            counts[name] = counts.GetValueOrDefault(name) + (long)value;
        }
        var ordered = series.ToList();
        ordered.Sort(order ?? string.CompareOrdinal);
        var buckets = perBucket.Select(b => new HistogramBucket(b.Key, [.. ordered.Select(s => b.Value.GetValueOrDefault(s))])).ToList();
        return new HistogramData(startNs, endNs, Math.Max(1, bucketNs), ordered, buckets);
    }
}
