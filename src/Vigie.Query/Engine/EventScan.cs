using Vigie.Query.Engine.Predicates;
using Vigie.Query.Rows;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Parts;
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
        // Blocks are judged from their metadata (time range, dictionaries, bloom filters) ahead of
        // the scan, in parallel and in growing runs, so that a selective search (a rare word) does
        // not pay a parallel step for every block it only has to rule out.
        var judge = new Judge(store, plan, blocks, window * 4, cancellationToken);
        var emitted = 0;
        long order = 0;
        var slice = new List<int>(window);
        for (var next = 0; next < blocks.Count;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            slice.Clear();
            for (; slice.Count < window && next < blocks.Count; next++)
            {
                if (judge.Prune(next) != Prune.None)
                {
                    slice.Add(next);
                }
            }
            var results = new List<Match>[slice.Count];
            // Rows in a block are sorted by time, so with a limit only a block's newest matches can
            // enter the answer: the rest are not materialised.
            var wanted = limit is { } l ? l - emitted : int.MaxValue;
            Parallel.For(0, slice.Count, new ParallelOptions { CancellationToken = cancellationToken }, j =>
            {
                var rows = new List<Match>();
                var b = slice[j];
                // the filter's columns first; the others only for a block with matches, and a
                // template column's texts only for the rows returned
                if (BlockScanner.Scan(store, plan, blocks[b], FilterReads(plan, blocks[b].Info), judge.Context(b), judge.Prune(b)) is var (block, mask, matches)
                    && Events(store, blocks[b], block) is { } events)
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
                            rows.Add(lazy ? new Match(events, r, null) : new Match(null, r, new EventRow(events.ToLogEvent(r))));
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
            // no block after this one, ruled out or not, can hold a newer row
            var frontier = next < blocks.Count ? blocks[next].Info.MaxTime : long.MinValue;
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
    /// The columns the filter needs decoded in <paramref name="block"/>: those it reads, but those the
    /// block stores as templates, which a filter judges per template or tests row by row, each row rebuilt
    /// alone (a scan that stops at its limit seldom tests every row of a block).
    /// </summary>
    private static HashSet<string> FilterReads(ScanPlan plan, BlockInfo block)
    {
        HashSet<string>? read = null;
        foreach (var name in plan.FilterColumns)
        {
            if (block.FindColumn(name) is { Encoding: ColumnEncoding.Template })
            {
                read ??= new HashSet<string>(plan.FilterColumns, StringComparer.Ordinal);
                read.Remove(name);
            }
        }
        return read ?? plan.FilterColumns;
    }

    /// <summary>The block's events to make, null when a column only the output reads is damaged (the part is reported).</summary>
    private static BlockEvents? Events(LogStore store, BlockRef block, BlockContext context)
    {
        try
        {
            return new BlockEvents(context);
        }
        catch (PartCorruptException e)
        {
            _ = store.ReportDamagedPartAsync(block.Part, e);
            return null;
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

    /// <summary>
    /// The metadata verdicts of the blocks, computed ahead of the scan in runs that double from
    /// <c>firstRun</c> blocks up to <see cref="LongestRun"/>: a search that stops after a few blocks judges
    /// few more than it reads, and one that reads everything judges in large parallel runs.
    /// </summary>
    private sealed class Judge(LogStore store, ScanPlan plan, List<BlockRef> blocks, int firstRun, CancellationToken cancellationToken)
    {
        private const int LongestRun = 1024;

        private readonly Prune[] _prunes = new Prune[blocks.Count];
        private readonly BlockContext?[] _contexts = new BlockContext?[blocks.Count];
        private int _judged;
        private int _run = firstRun;

        /// <summary>The verdict on block <paramref name="index"/>; blocks are asked for in ascending order.</summary>
        public Prune Prune(int index)
        {
            while (index >= _judged)
            {
                var from = _judged;
                var count = Math.Min(_run, blocks.Count - from);
                Parallel.For(from, from + count, new ParallelOptions { CancellationToken = cancellationToken }, b =>
                {
                    var context = new BlockContext(blocks[b].Part.Reader, blocks[b].Block);
                    _prunes[b] = BlockScanner.Judge(store, plan, blocks[b], context);
                    _contexts[b] = _prunes[b] == Predicates.Prune.None ? null : context;
                });
                _judged += count;
                _run = Math.Min(_run * 2, LongestRun);
            }
            return _prunes[index];
        }

        public BlockContext Context(int index) => _contexts[index]!;
    }

    /// <summary>A matching row: the event already made, or its block and row to make it from when released.</summary>
    private readonly record struct Match(BlockEvents? Block, int Row, EventRow? Made)
    {
        public long TimeNs => Made?.Event.TimeNs ?? Block!.TimeNs(Row);

        public EventRow Release() => Made ?? new EventRow(Block!.ToLogEvent(Row));
    }
}
