using Vigie.Query.Rows;
using Vigie.Storage.Blocks;
using Vigie.Storage.Store;

namespace Vigie.Query.Engine;

/// <summary>
/// Streams matching events newest first without sorting everything: blocks are visited by
/// descending maximum time, a few at once in parallel, and a row is released once no unvisited
/// block can hold a newer one. With a limit, the scan stops as soon as it has enough, and a match
/// is held as (block, row), made an event only when it is released: each block of a window may
/// offer up to the whole limit, but only the newest of all of them are wanted.
/// </summary>
internal static class EventScan
{
    public static IEnumerable<IRow> Run(LogStore store, ScanPlan plan, StoreSnapshot snapshot, int? limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            yield break;
        }
        var blocks = plan.CandidateBlocks(snapshot);
        blocks.Sort(static (a, b) => b.Info.MaxTime.CompareTo(a.Info.MaxTime));
        var pending = new PriorityQueue<Match, (long Time, long Order)>(Comparer<(long Time, long Order)>.Create(static (a, b) =>
            a.Time != b.Time ? b.Time.CompareTo(a.Time) : a.Order.CompareTo(b.Order)));
        var window = Math.Max(2, Environment.ProcessorCount * 2);
        var emitted = 0;
        long order = 0;
        for (var i = 0; i < blocks.Count; i += window)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var slice = blocks.GetRange(i, Math.Min(window, blocks.Count - i));
            var results = new List<Match>[slice.Count];
            // Rows in a block are sorted by time, so with a limit only a block's newest matches can
            // enter the answer: the rest are not materialised.
            var wanted = limit is { } l ? l - emitted : int.MaxValue;
            Parallel.For(0, slice.Count, new ParallelOptions { CancellationToken = cancellationToken }, j =>
            {
                var rows = new List<Match>();
                if (BlockScanner.Scan(store, plan, slice[j], columns: null) is var (block, mask, _))
                {
                    // newest first within the block, so that ties keep a stable order
                    for (var r = mask.Length - 1; r >= 0 && rows.Count < wanted; r--)
                    {
                        if (mask[r])
                        {
                            // Without a limit every match is wanted: made now, in parallel, and the block let go.
                            rows.Add(limit is null ? new Match(null, r, new EventRow(block.Data!.ToLogEvent(r))) : new Match(block.Data!, r, null));
                        }
                    }
                }
                results[j] = rows;
            });
            foreach (var rows in results)
            {
                foreach (var row in rows)
                {
                    pending.Enqueue(row, (row.TimeNs, order++));
                }
            }
            var frontier = i + window < blocks.Count ? blocks[i + window].Info.MaxTime : long.MinValue;
            while (pending.TryPeek(out var row, out var key) && key.Time > frontier)
            {
                pending.Dequeue();
                yield return row.Release();
                if (++emitted == limit)
                {
                    yield break;
                }
            }
        }
        while (pending.TryDequeue(out var row, out _))
        {
            yield return row.Release();
            if (++emitted == limit)
            {
                yield break;
            }
        }
    }

    /// <summary>A matching row: the event already made, or its block and row to make it from when released.</summary>
    private readonly record struct Match(ColumnarBlock? Block, int Row, EventRow? Made)
    {
        public long TimeNs => Made?.Event.TimeNs ?? Block!.Times[Row];

        public EventRow Release() => Made ?? new EventRow(Block!.ToLogEvent(Row));
    }
}
