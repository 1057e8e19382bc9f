using Vigie.Query.Rows;
using Vigie.Storage.Blocks;
using Vigie.Storage.Store;

namespace Vigie.Query.Engine;

/// <summary>
/// Streams matching events newest first without sorting everything: blocks are visited by
/// descending maximum time, a few at once in parallel, and a row is released once no unvisited
/// block can hold a newer one. With a limit, the scan stops as soon as it has enough, only the
/// newest rows that can still enter the answer are kept, and a block with many wanted matches is
/// held as (block, row), each made an event only when it is released: each block of a window may
/// offer up to the whole limit, but only the newest of all of them are wanted.
/// </summary>
internal static class EventScan
{
    /// <summary>From how many wanted rows of one block on the block is held rather than its events made.</summary>
    private const int LazyFrom = 64;

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
                if (BlockScanner.Scan(store, plan, slice[j], columns: null) is var (block, mask, matches))
                {
                    // Events are made now (in parallel, and the block let go) when every match is
                    // wanted or when they are few; a block is held only for many rows, of which
                    // perhaps few will be released.
                    var lazy = limit is not null && Math.Min(matches, wanted) >= LazyFrom;
                    // newest first within the block, so that ties keep a stable order
                    for (var r = mask.Length - 1; r >= 0 && rows.Count < wanted; r--)
                    {
                        if (mask[r])
                        {
                            rows.Add(lazy ? new Match(block.Data!, r, null) : new Match(null, r, new EventRow(block.Data!.ToLogEvent(r))));
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
            if (limit is { } max && pending.Count > 2 * (max - emitted))
            {
                Trim(pending, max - emitted);
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

    /// <summary>
    /// Keeps the <paramref name="keep"/> newest pending rows: any other has that many newer ones
    /// already and cannot enter the answer. Bounds what is held (and the blocks held with it).
    /// </summary>
    private static void Trim(PriorityQueue<Match, (long Time, long Order)> pending, int keep)
    {
        var kept = new List<(Match Row, (long Time, long Order) Key)>(keep);
        while (kept.Count < keep && pending.TryDequeue(out var row, out var key))
        {
            kept.Add((row, key));
        }
        pending.Clear();
        foreach (var (row, key) in kept)
        {
            pending.Enqueue(row, key);
        }
    }

    /// <summary>A matching row: the event already made, or its block and row to make it from when released.</summary>
    private readonly record struct Match(ColumnarBlock? Block, int Row, EventRow? Made)
    {
        public long TimeNs => Made?.Event.TimeNs ?? Block!.Times[Row];

        public EventRow Release() => Made ?? new EventRow(Block!.ToLogEvent(Row));
    }
}
