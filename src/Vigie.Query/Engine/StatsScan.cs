using Vigie.Core;
using Vigie.Query.Pipes;
using Vigie.Query.Rows;
using Vigie.Query.Syntax;
using Vigie.Storage.Store;

namespace Vigie.Query.Engine;

/// <summary>
/// Runs a stats pipe inside the scan: each worker aggregates the blocks it scans into its own
/// <see cref="StatsAggregator"/>, decoding only the columns the filter and the stats read; the
/// workers' aggregators are merged at the end.
/// </summary>
internal static class StatsScan
{
    public static IReadOnlyList<ResultRow> Run(LogStore store, ScanPlan plan, StoreSnapshot snapshot, StatsPipe stats, CancellationToken cancellationToken)
    {
        var columns = new HashSet<string>(plan.FilterColumns, StringComparer.Ordinal);
        foreach (var f in stats.Functions)
        {
            if (f.Field is { } field)
            {
                columns.Add(field);
            }
        }
        foreach (var key in stats.By)
        {
            if (key.BucketNs is null)
            {
                columns.Add(key.Field);
            }
        }
        columns.Remove(FieldNames.Time);
        columns.Remove(FieldNames.Stream);

        var total = new StatsAggregator(stats);
        var blocks = plan.CandidateBlocks(snapshot);
        Parallel.ForEach(
            blocks,
            new ParallelOptions { CancellationToken = cancellationToken },
            () => new StatsAggregator(stats),
            (block, _, local) =>
            {
                if (BlockScanner.Scan(store, plan, block, columns) is var (context, mask, _))
                {
                    new BlockAggregation(stats, local).Add(context.Data!, mask);
                }
                return local;
            },
            local =>
            {
                lock (total)
                {
                    total.Merge(local);
                }
            });
        return total.Finish();
    }
}
