using Vigie.Query.Pipes;
using Vigie.Query.Rows;
using Vigie.Query.Syntax;
using Vigie.Storage.Store;

namespace Vigie.Query.Engine;

/// <summary>
/// Runs queries over the store: the filter and a leading <c>stats</c>/<c>top</c> run inside a
/// parallel columnar scan; the remaining pipes run over the rows it yields, with the same code the
/// reference evaluator uses. Thread-safe: one engine serves all requests.
/// </summary>
public sealed class QueryEngine(LogStore store)
{
    /// <summary>
    /// Yields the answer rows lazily: events newest first, or the rows of the last pipe. The parts
    /// the query reads stay alive until the enumeration ends or is disposed.
    /// </summary>
    public IEnumerable<IRow> Execute(QueryRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var plan = new ScanPlan(request);
        var pipes = request.Query.Pipes;
        using var snapshot = store.AcquireSnapshot();
        IEnumerable<IRow> rows;
        var rest = pipes.Skip(1);
        switch (pipes.FirstOrDefault())
        {
            case StatsPipe stats:
                rows = StatsScan.Run(store, plan, snapshot, stats, cancellationToken);
                break;
            case TopPipe top:
                var step = new TopStep(top);
                var counted = StatsScan.Run(store, plan, snapshot, step.AsStats, cancellationToken);
                rows = new SortStep(new SortPipe([new SortKey(TopPipe.HitsColumn, descending: true)])).Run(counted).Take(top.N);
                break;
            case LimitPipe limit:
                rows = EventScan.Run(store, plan, snapshot, limit.Count, cancellationToken);
                break;
            case null:
                rows = EventScan.Run(store, plan, snapshot, request.Limit, cancellationToken);
                break;
            default:
                rows = EventScan.Run(store, plan, snapshot, null, cancellationToken);
                rest = pipes;
                break;
        }
        rows = RowSteps.RunAll(rest, rows, request.NowNs);
        if (request.Limit is { } max)
        {
            rows = rows.Take(max);
        }
        foreach (var row in rows)
        {
            yield return row;
        }
    }

    /// <summary>Per field of the events the query's filter matches: how many have it and its top values.</summary>
    public (long Events, IReadOnlyList<FieldSummary> Fields) SummarizeFields(QueryRequest request, int topValues = 10, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var snapshot = store.AcquireSnapshot();
        return FieldsScan.Run(store, new ScanPlan(request), snapshot, topValues, cancellationToken);
    }

    /// <summary>Runs a query to the end and collects its rows (tests, small answers).</summary>
    public IReadOnlyList<IRow> ExecuteAll(QueryRequest request, CancellationToken cancellationToken = default) => [.. Execute(request, cancellationToken)];
}
