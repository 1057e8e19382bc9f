using System.Diagnostics;
using Vigie.Core;
using Vigie.Query.Engine;
using Vigie.Web.Model;

namespace Vigie.Web.Services;

/// <summary>
/// The UI's one way to read logs: the same <see cref="QueryEngine"/> the HTTP API uses, in process.
/// Every call is bounded (a row limit, a bucketed stats query, a field summary), so the UI never
/// holds more than a page of events whatever the store holds. Thread-safe.
/// </summary>
public sealed class LogSearch(QueryEngine engine) : IDiscoverSearch
{
    /// <summary>The most rows one search shows; the table says when there were more.</summary>
    public const int DefaultLimit = 1000;

    /// <summary>The rows that fill the first screen: handed over before the scan goes on to the limit.</summary>
    public const int FirstPage = 100;

    /// <summary>
    /// The newest rows of the query, at most <paramref name="limit"/>. When the rows are events and
    /// <paramref name="firstPage"/> is given, it receives the first <see cref="FirstPage"/> of them
    /// (marked <see cref="SearchOutcome.Partial"/>) as soon as they are known, from the scan's
    /// thread, while the same scan goes on to the limit: a screenful costs a fraction of a thousand
    /// rows (each further row may take reading more blocks).
    /// </summary>
    public SearchOutcome Search(string? text, TimeRange range, int limit = DefaultLimit, CancellationToken cancellationToken = default, Action<SearchOutcome>? firstPage = null)
    {
        ArgumentNullException.ThrowIfNull(range);
        var parsed = ParsedQuery.Parse(text);
        if (parsed.Query is null)
        {
            return SearchOutcome.Failed(parsed.Error!, parsed.ErrorPosition);
        }
        var clock = Stopwatch.StartNew();
        var now = Timestamps.Now();
        var (start, end) = range.Resolve(now);
        var isEvents = parsed.Query.Pipes.All(p => p is Vigie.Query.Syntax.LimitPipe);
        var rows = new List<DisplayRow>();
        var more = false;
        // One row past the limit tells whether the answer was cut.
        foreach (var row in engine.Execute(new QueryRequest(parsed.Query, now, start, end, limit + 1), cancellationToken))
        {
            if (rows.Count == limit)
            {
                more = true;
                break;
            }
            rows.Add(DisplayRow.From(row));
            if (rows.Count == FirstPage && isEvents && limit > FirstPage && firstPage is not null)
            {
                firstPage(new SearchOutcome([.. rows], isEvents, [], null, null, clock.Elapsed) { Partial = true });
            }
        }
        var columns = isEvents ? [] : rows.SelectMany(r => r.Fields.Select(f => f.Key)).Distinct(StringComparer.Ordinal).ToList();
        return new SearchOutcome(rows, isEvents, columns, null, null, clock.Elapsed) { LimitReached = more };
    }

    /// <summary>Event counts of the query's filter over the range, per bucket and level class.</summary>
    public HistogramData Histogram(string? text, TimeRange range, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        var parsed = ParsedQuery.Parse(text);
        if (parsed.Query is null)
        {
            return HistogramData.Empty;
        }
        var now = Timestamps.Now();
        var (start, end) = range.Resolve(now);
        var bucket = BucketSize.Choose(end - start);
        var stats = Vigie.Query.Syntax.Query.Parse($"{parsed.FilterText} | stats count() as n by (_time:{Durations.Format(bucket)}, {Levels.Field})");
        var rows = engine.Execute(new QueryRequest(stats, now, start, end), cancellationToken);
        return ChartBuilder.TimeSeries(rows, start, end, bucket, Levels.Classify, (a, b) => Levels.Order(a).CompareTo(Levels.Order(b)));
    }

    /// <summary>
    /// Per field of the newest <paramref name="sampleSize"/> events the query's filter matches: how
    /// many have it and its top values. A sample, not every match: it costs one page of rows.
    /// </summary>
    public (long Events, IReadOnlyList<FieldSummary> Fields) SampleFields(string? text, TimeRange range, int sampleSize = FieldSample.DefaultSize, int topValues = 5, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        var parsed = ParsedQuery.Parse(text);
        if (parsed.Query is null)
        {
            return (0, []);
        }
        var now = Timestamps.Now();
        var (start, end) = range.Resolve(now);
        var filterOnly = new Vigie.Query.Syntax.Query(parsed.Query.Filter, []);
        var rows = engine.Execute(new QueryRequest(filterOnly, now, start, end, sampleSize), cancellationToken);
        return FieldSample.Summarize(rows.Select(r => r.Columns), topValues);
    }

    /// <summary>Runs any query over the range with a row cap (dashboard panels).</summary>
    public (IReadOnlyList<Vigie.Query.Rows.IRow> Rows, string? Error) Rows(string? text, TimeRange range, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        var parsed = ParsedQuery.Parse(text);
        if (parsed.Query is null)
        {
            return ([], parsed.Error);
        }
        var now = Timestamps.Now();
        var (start, end) = range.Resolve(now);
        var rows = engine.Execute(new QueryRequest(parsed.Query, now, start, end, limit), cancellationToken)
            .Select(Vigie.Query.Rows.ResultRow.From).ToList();
        return (rows, null);
    }
}
