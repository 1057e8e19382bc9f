using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Store;

/// <summary>
/// Plans the blocks of a merged part from the blocks of its sources, stream by stream: a block that
/// is already large, or that has no small neighbour of its stream to be combined with, is copied
/// as stored (no decoding, no encoding, no zstd); runs of small blocks of one stream are decoded and
/// rebuilt into larger blocks by a k-way merge by time.
/// </summary>
/// <remarks>
/// Rebuilding every row was most of a merge's cost, and since merges take parts of similar sizes,
/// a row was rebuilt again at every level. Blocks of one stream in the merged part may overlap in
/// time (a copied block beside a rebuilt one); queries never relied on blocks being disjoint
/// (parts overlap anyway), and each block's own rows stay sorted by time.
/// </remarks>
internal static class PartMerger
{
    /// <summary>
    /// A block with at least this many rows is left as it is: combining it would gain little. An eighth
    /// of the cut rather than a quarter: a stream sending 2,048 to 4,095 rows per flush (a busy
    /// service's) had each of its blocks decoded and encoded again once more for about 1 % of disk,
    /// about 40 % of a merge's CPU on the benchmark's corpus (docs/performance.md).
    /// </summary>
    internal const int FullRows = BlockCut.MaxRows / 8;

    /// <summary>A block storing at least this many bytes is left as it is (about half the cut once compressed a few times).</summary>
    internal const long FullStoredBytes = BlockCut.MaxValueBytes / 8;

    /// <summary>What a merge did with the rows of its sources.</summary>
    internal sealed class Stats
    {
        public long RowsCopied { get; set; }

        public long RowsRebuilt { get; set; }

        public int BlocksCopied { get; set; }
    }

    public static IEnumerable<PartBlock> Blocks(IReadOnlyList<PartReader> sources, Stats? stats = null) => Blocks(sources, stats, exactReads: false);

    /// <summary>
    /// With <paramref name="exactReads"/>, the source blocks are decoded into arrays of their own
    /// (<see cref="PartReader.ReadBlock(int, IReadOnlyCollection{string}?, bool)"/>) instead of the merge's
    /// lent arrays: the same merged blocks, for tests to compare the two.
    /// </summary>
    internal static IEnumerable<PartBlock> Blocks(IReadOnlyList<PartReader> sources, Stats? stats, bool exactReads)
    {
        var streams = new SortedDictionary<string, List<Ref>>(StringComparer.Ordinal);
        for (var s = 0; s < sources.Count; s++)
        {
            var blocks = sources[s].Blocks;
            for (var b = 0; b < blocks.Count; b++)
            {
                var key = blocks[b].Stream.Text;
                if (!streams.TryGetValue(key, out var list))
                {
                    list = [];
                    streams.Add(key, list);
                }
                list.Add(new Ref(sources[s], s, b));
            }
        }
        // Kept between merges with the column buffers it grew; its blocks lend their value arrays
        // to the part writer, which gives them back once written, as a flush's do.
        var builder = ScratchPools.Merge.Rent();
        // The decoded source blocks' arrays (value bytes; times, kinds and offsets), given back once
        // their rows are copied into the builder: one merge decodes block after block of about the
        // same size, so they are reused.
        var decoding = new Decoding(new LentBuffers(), new LentRows(), exactReads);
        try
        {
            foreach (var block in Blocks(streams, builder, decoding, stats))
            {
                yield return block;
            }
        }
        finally
        {
            builder.Reset(StreamKey.Empty);
            ScratchPools.Merge.Return(builder);
        }
    }

    private static IEnumerable<PartBlock> Blocks(SortedDictionary<string, List<Ref>> streams, ColumnarBlockBuilder builder, Decoding decoding, Stats? stats)
    {
        var run = new List<Ref>();
        foreach (var (_, refs) in streams)
        {
            refs.Sort(static (a, b) =>
            {
                var c = a.Info.MinTime.CompareTo(b.Info.MinTime);
                c = c != 0 ? c : a.Info.MaxTime.CompareTo(b.Info.MaxTime);
                c = c != 0 ? c : a.Source.CompareTo(b.Source);
                return c != 0 ? c : a.Block.CompareTo(b.Block);
            });
            run.Clear();
            long runRows = 0;
            long runBytes = 0;
            foreach (var r in refs)
            {
                if (IsFull(r.Info))
                {
                    foreach (var block in FlushRun(run, builder, decoding, stats))
                    {
                        yield return block;
                    }
                    runRows = runBytes = 0;
                    yield return Copy(r, stats);
                    continue;
                }
                if (run.Count > 0 && (runRows + r.Info.RowCount > BlockCut.MaxRows || runBytes + r.Info.StoredBytes > 2 * FullStoredBytes))
                {
                    foreach (var block in FlushRun(run, builder, decoding, stats))
                    {
                        yield return block;
                    }
                    runRows = runBytes = 0;
                }
                run.Add(r);
                runRows += r.Info.RowCount;
                runBytes += r.Info.StoredBytes;
            }
            foreach (var block in FlushRun(run, builder, decoding, stats))
            {
                yield return block;
            }
        }
    }

    internal static bool IsFull(BlockInfo info) => info.RowCount >= FullRows || info.StoredBytes >= FullStoredBytes;

    private static PartBlock Copy(Ref r, Stats? stats)
    {
        if (stats is not null)
        {
            stats.RowsCopied += r.Info.RowCount;
            stats.BlocksCopied++;
        }
        return PartBlock.Copy(r.Reader, r.Block);
    }

    /// <summary>
    /// The blocks of a run of small blocks of one stream: one block is copied (rebuilding it alone
    /// would give the same block back); several are decoded and merged by time into new blocks.
    /// Empties <paramref name="run"/>.
    /// </summary>
    private static IEnumerable<PartBlock> FlushRun(List<Ref> run, ColumnarBlockBuilder builder, Decoding decoding, Stats? stats)
    {
        if (run.Count == 0)
        {
            yield break;
        }
        if (run.Count == 1)
        {
            var only = run[0];
            run.Clear();
            yield return Copy(only, stats);
            yield break;
        }
        var stream = run[0].Info.Stream;
        builder.Reset(stream);
        if (AreDisjoint(run))
        {
            // The usual case (events arrive roughly in time order): the run's rows are its blocks
            // one after the other, with no queue to order them and one decoded block at a time.
            var blocks = run.ToArray();
            run.Clear();
            foreach (var r in blocks)
            {
                var block = decoding.Read(r);
                if (stats is not null)
                {
                    stats.RowsRebuilt += block.RowCount;
                }
                for (var row = 0; row < block.RowCount; row++)
                {
                    if (builder.RowCount >= BlockCut.MaxRows || builder.ValueBytes >= BlockCut.MaxValueBytes)
                    {
                        yield return PartBlock.Of(builder.BuildLent());
                        builder.Reset(stream);
                    }
                    builder.Add(block, row);
                }
                // The builder copied every row's values: nothing reads this block any more.
                block.ReturnLentBuffers();
            }
            if (builder.RowCount > 0)
            {
                yield return PartBlock.Of(builder.BuildLent());
            }
            yield break;
        }
        // One cursor per block, not per source: blocks of one stream may overlap in time, even
        // within one part, so only a block's own rows are known to be in order.
        var queue = new PriorityQueue<Cursor, (long Time, int Order)>(run.Count);
        for (var i = 0; i < run.Count; i++)
        {
            var block = decoding.Read(run[i]);
            if (block.RowCount > 0)
            {
                queue.Enqueue(new Cursor(block), (block.Times[0], i));
            }
            if (stats is not null)
            {
                stats.RowsRebuilt += block.RowCount;
            }
        }
        run.Clear();
        while (queue.TryDequeue(out var cursor, out var priority))
        {
            if (builder.RowCount >= BlockCut.MaxRows || builder.ValueBytes >= BlockCut.MaxValueBytes)
            {
                yield return PartBlock.Of(builder.BuildLent());
                builder.Reset(stream);
            }
            builder.Add(cursor.Block, cursor.Row);
            if (++cursor.Row < cursor.Block.RowCount)
            {
                queue.Enqueue(cursor, (cursor.Block.Times[cursor.Row], priority.Order));
            }
            else
            {
                // Its last row is copied: nothing reads this block any more.
                cursor.Block.ReturnLentBuffers();
            }
        }
        if (builder.RowCount > 0)
        {
            yield return PartBlock.Of(builder.BuildLent());
        }
    }

    /// <summary>Whether each block of the run (in order of their first times) ends before the next begins.</summary>
    private static bool AreDisjoint(List<Ref> run)
    {
        for (var i = 1; i < run.Count; i++)
        {
            if (run[i - 1].Info.MaxTime >= run[i].Info.MinTime)
            {
                return false;
            }
        }
        return true;
    }

    private readonly record struct Ref(PartReader Reader, int Source, int Block)
    {
        public BlockInfo Info => Reader.Blocks[Block];
    }

    /// <summary>Where a merge's decoded source blocks take their arrays from.</summary>
    private sealed record Decoding(LentBuffers Values, LentRows Rows, bool Exact)
    {
        public ColumnarBlock Read(Ref r) => Exact ? r.Reader.ReadBlock(r.Block) : r.Reader.ReadBlockLent(r.Block, Values, Rows);
    }

    private sealed class Cursor(ColumnarBlock block)
    {
        public ColumnarBlock Block { get; } = block;

        public int Row { get; set; }
    }
}
