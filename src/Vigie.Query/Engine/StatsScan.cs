using Vigie.Core;
using Vigie.Query.Engine.Predicates;
using Vigie.Query.Pipes;
using Vigie.Query.Rows;
using Vigie.Query.Syntax;
using Vigie.Storage.Parts;
using Vigie.Storage.Store;

namespace Vigie.Query.Engine;

/// <summary>
/// Runs a stats pipe inside the scan: each worker aggregates the blocks it scans into its own
/// <see cref="StatsAggregator"/>, decoding only the columns the filter and the stats read; the
/// workers' aggregators are merged at the end. A block that matches whole, whose keys are constant
/// over it and whose functions only count rows is counted from the part's index alone.
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
        var countsOnly = stats.Functions.All(f => f.Name == StatsFunction.Count && f.Field is null);
        var by = stats.By.ToArray();

        var total = new StatsAggregator(stats);
        var blocks = plan.CandidateBlocks(snapshot);
        Parallel.ForEach(
            blocks,
            new ParallelOptions { CancellationToken = cancellationToken },
            () => new StatsAggregator(stats),
            (block, _, local) =>
            {
                var context = new BlockContext(block.Part.Reader, block.Block);
                var prune = plan.Predicate.Prune(context);
                if (prune == Prune.None)
                {
                    return local;
                }
                if (countsOnly && prune == Prune.All && ConstantKey(by, block.Info) is var (key, kinds))
                {
                    foreach (var count in local.GroupFor(key, kinds))
                    {
                        count.AddAbsent(block.Info.RowCount);
                    }
                    return local;
                }
                if (BlockScanner.Scan(store, plan, block, columns, context, prune) is var (scanned, mask, _))
                {
                    new BlockAggregation(stats, local).Add(scanned.Data!, mask);
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

    /// <summary>The group of every row of a block, when its index shows the keys cannot vary over it; else null.</summary>
    private static (string[] Key, ValueKind[] Kinds)? ConstantKey(GroupKey[] by, BlockInfo info)
    {
        var key = new string[by.Length];
        var kinds = new ValueKind[by.Length];
        for (var k = 0; k < by.Length; k++)
        {
            if (by[k].BucketNs is { } bucket)
            {
                var start = StatsAggregator.BucketStart(info.MinTime, bucket);
                if (start != StatsAggregator.BucketStart(info.MaxTime, bucket))
                {
                    return null;
                }
                (key[k], kinds[k]) = (Timestamps.FormatRfc3339(start), ValueKind.String);
            }
            else if (by[k].Field == FieldNames.Stream)
            {
                (key[k], kinds[k]) = (info.Stream.Text, ValueKind.String);
            }
            else if (by[k].Field == FieldNames.Time)
            {
                return null;
            }
            else if (info.FindColumn(by[k].Field) is not { } column || column.PresentRows == 0)
            {
                (key[k], kinds[k]) = ("", ValueKind.String);
            }
            else if (column.ConstValue is { } constant && column.PresentRows == info.RowCount)
            {
                (key[k], kinds[k]) = (constant.Text, constant.Kind);
            }
            else
            {
                return null;
            }
        }
        return (key, kinds);
    }
}
