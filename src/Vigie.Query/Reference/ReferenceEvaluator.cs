using Vigie.Core;
using Vigie.Query.Matching;
using Vigie.Query.Pipes;
using Vigie.Query.Rows;

namespace Vigie.Query.Reference;

/// <summary>
/// The obviously correct evaluator, naive on purpose: it is the oracle the columnar engine is tested
/// against. Every event is tested on its own, the survivors are ordered newest first, then the pipes run.
/// </summary>
public static class ReferenceEvaluator
{
    /// <param name="query">The parsed query.</param>
    /// <param name="events">Events in storage order; equal times keep this order.</param>
    /// <param name="nowNs">The instant relative times (<c>_time:15m</c>) count back from.</param>
    /// <param name="startNs">Inclusive lower bound on event times, if any.</param>
    /// <param name="endNs">Exclusive upper bound on event times, if any.</param>
    public static IReadOnlyList<ResultRow> Evaluate(Syntax.Query query, IEnumerable<LogEvent> events, long nowNs, long? startNs = null, long? endNs = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(events);
        var matcher = FilterCompiler.Compile(query.Filter, nowNs);
        var matching = new List<IRow>();
        foreach (var e in events)
        {
            if ((startNs is null || e.TimeNs >= startNs) && (endNs is null || e.TimeNs < endNs))
            {
                var row = new EventRow(e);
                if (matcher.Matches(row))
                {
                    matching.Add(row);
                }
            }
        }
        var newestFirst = matching.OrderByDescending(r => r.TimeNs);
        return [.. RowSteps.RunAll(query.Pipes, newestFirst, nowNs).Select(ResultRow.From)];
    }
}
