using Vigie.Core;
using Vigie.Query.Engine.Predicates;
using Vigie.Query.Pipes;
using Vigie.Query.Rows;
using Vigie.Query.Syntax;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Parts;
using Vigie.Storage.Store;

namespace Vigie.Query.Engine;

/// <summary>
/// Runs a stats pipe inside the scan: one worker per core takes blocks from a shared counter and
/// aggregates them into its own <see cref="StatsAggregator"/>, decoding only the columns the filter and
/// the stats read (and the times only when something reads them); the workers' aggregators are merged
/// at the end. A block that matches whole, whose keys are constant over it and whose functions only
/// count rows or read fields it lacks is aggregated from the part's index alone.
/// </summary>
internal static class StatsScan
{
    public static IReadOnlyList<ResultRow> Run(LogStore store, ScanPlan plan, StoreSnapshot snapshot, StatsPipe stats, CancellationToken cancellationToken)
    {
        var output = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in stats.Functions)
        {
            if (f.Field is { } field)
            {
                output.Add(field);
            }
        }
        foreach (var key in stats.By)
        {
            output.Add(key.BucketNs is null ? key.Field : FieldNames.Time);
        }
        var columns = new HashSet<string>(plan.FilterColumns, StringComparer.Ordinal);
        var filterReadsTimes = columns.Contains(FieldNames.Time);
        columns.UnionWith(output);
        // columns the filter alone reads and judges from their templates: left undecoded in the blocks that store them so
        var judged = plan.TemplateJudgedColumns.Where(c => !output.Contains(c)).ToArray();
        var outputReadsTimes = stats.By.Any(k => k.BucketNs is not null || k.Field == FieldNames.Time) || stats.Functions.Any(f => f.Field == FieldNames.Time);
        columns.Remove(FieldNames.Time);
        columns.Remove(FieldNames.Stream);
        var fields = stats.Functions.Select(f => f.Field).ToArray();
        var by = stats.By.ToArray();
        var bucketKey = by.Count(k => k.BucketNs is not null) == 1 ? Array.FindIndex(by, k => k.BucketNs is not null) : -1;

        var blocks = plan.CandidateBlocks(snapshot);
        var workers = Math.Max(1, Math.Min(Environment.ProcessorCount, blocks.Count));
        var locals = new StatsAggregator[workers];
        var next = -1;
        Parallel.For(0, workers, new ParallelOptions { CancellationToken = cancellationToken }, w =>
        {
            var local = locals[w] = new StatsAggregator(stats);
            var histogram = bucketKey >= 0 ? new TimeHistogram(local, by, bucketKey) : null;
            var lender = new LentBuffers();
            for (var i = Interlocked.Increment(ref next); i < blocks.Count; i = Interlocked.Increment(ref next))
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                var block = blocks[i];
                var context = new BlockContext(block.Part.Reader, block.Block);
                var prune = BlockScanner.Judge(store, plan, block, context);
                if (prune == Prune.None)
                {
                    continue;
                }
                if (prune == Prune.All && OnlyCountsRows(fields, block.Info))
                {
                    if (ConstantKey(by, block.Info) is var (key, kinds))
                    {
                        foreach (var accumulator in local.GroupFor(key, kinds))
                        {
                            accumulator.AddAbsent(block.Info.RowCount);
                        }
                        continue;
                    }
                    // rows only counted by time bucket: the times alone are decoded, into a reused buffer
                    if (histogram is not null && ConstantKey(by, block.Info, except: bucketKey) is var (others, otherKinds))
                    {
                        try
                        {
                            histogram.Add(block, others, otherKinds);
                        }
                        catch (PartCorruptException e)
                        {
                            _ = store.ReportDamagedPartAsync(block.Part, e);
                        }
                        continue;
                    }
                }
                // a block that matches whole needs no times for the filter
                var withTimes = outputReadsTimes || (filterReadsTimes && prune != Prune.All);
                var read = WithoutTemplates(columns, judged, block.Info);
                if (BlockScanner.Scan(store, plan, block, read, context, prune, withTimes, OnlyRawColumns(read, block.Info) ? lender : null) is var (scanned, mask, _))
                {
                    new BlockAggregation(stats, local).Add(scanned.Data!, mask);
                    // nothing the aggregators keep points into the block's values
                    scanned.Data!.ReturnLentBuffers();
                }
            }
        });
        cancellationToken.ThrowIfCancellationRequested();
        var total = locals[0] ?? new StatsAggregator(stats);
        for (var w = 1; w < workers; w++)
        {
            total.Merge(locals[w]);
        }
        return total.Finish();
    }

    /// <summary><paramref name="columns"/> without those of <paramref name="judged"/> the block stores as templates.</summary>
    private static HashSet<string> WithoutTemplates(HashSet<string> columns, string[] judged, BlockInfo info)
    {
        HashSet<string>? read = null;
        foreach (var name in judged)
        {
            if (info.FindColumn(name) is { Encoding: ColumnEncoding.Template })
            {
                read ??= new HashSet<string>(columns, StringComparer.Ordinal);
                read.Remove(name);
            }
        }
        return read ?? columns;
    }

    /// <summary>
    /// Whether every column read from the block is stored as texts (raw, or rebuilt from templates): their values are then decoded
    /// into arrays lent by the worker and reused block after block (a word search's text column is a
    /// new array of up to a few hundred KB per block otherwise, which only full collections free).
    /// A lender makes the decoder produce every column's texts at once, which costs nothing more for
    /// raw texts but would format numbers and dictionaries that the scan reads without their texts.
    /// </summary>
    private static bool OnlyRawColumns(IReadOnlySet<string> columns, BlockInfo info)
    {
        foreach (var name in columns)
        {
            if (info.FindColumn(name) is { } column && column.Encoding is not (ColumnEncoding.Raw or ColumnEncoding.Template))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether every function is <c>count()</c> or reads a field the block lacks: rows then only count.</summary>
    private static bool OnlyCountsRows(string?[] fields, BlockInfo info)
    {
        foreach (var field in fields)
        {
            if (field is not null && (field is FieldNames.Time or FieldNames.Stream || info.FindColumn(field) is { PresentRows: > 0 }))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The group of every row of a block, when its index shows the keys cannot vary over it; else null.
    /// Key <paramref name="except"/>, if any, is left out (null in the result) for the caller to fill in.
    /// </summary>
    private static (string[] Key, ValueKind[] Kinds)? ConstantKey(GroupKey[] by, BlockInfo info, int except = -1)
    {
        var key = new string[by.Length];
        var kinds = new ValueKind[by.Length];
        for (var k = 0; k < by.Length; k++)
        {
            if (k == except)
            {
                continue;
            }
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
