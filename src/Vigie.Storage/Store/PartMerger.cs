using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Store;

/// <summary>
/// Merges parts of one partition into the blocks of a new part: for each stream, a k-way merge by
/// time of the sources' blocks (each source's blocks of a stream are already in time order), so at
/// most one decoded block per source is in memory.
/// </summary>
internal static class PartMerger
{
    public static IEnumerable<ColumnarBlock> Blocks(IReadOnlyList<PartReader> sources)
    {
        var streams = new SortedDictionary<string, List<(int Source, int Block)>>(StringComparer.Ordinal);
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
                list.Add((s, b));
            }
        }
        var builder = new ColumnarBlockBuilder();
        foreach (var (_, blockRefs) in streams)
        {
            var stream = sources[blockRefs[0].Source].Blocks[blockRefs[0].Block].Stream;
            builder.Reset(stream);
            var cursors = blockRefs
                .GroupBy(r => r.Source)
                .Select(g => new Cursor(sources[g.Key], [.. g.Select(r => r.Block).OrderBy(b => sources[g.Key].Blocks[b].MinTime)]))
                .ToList();
            var queue = new PriorityQueue<Cursor, (long Time, int Order)>();
            for (var i = 0; i < cursors.Count; i++)
            {
                if (cursors[i].MoveNext())
                {
                    queue.Enqueue(cursors[i], (cursors[i].Time, i));
                }
            }
            while (queue.TryDequeue(out var cursor, out var priority))
            {
                if (builder.RowCount >= BlockCut.MaxRows || builder.ValueBytes >= BlockCut.MaxValueBytes)
                {
                    yield return builder.Build();
                    builder.Reset(stream);
                }
                builder.Add(cursor.Block!, cursor.Row);
                if (cursor.MoveNext())
                {
                    queue.Enqueue(cursor, (cursor.Time, priority.Order));
                }
            }
            if (builder.RowCount > 0)
            {
                yield return builder.Build();
            }
        }
    }

    /// <summary>Walks the rows of one source's blocks of one stream, in time order.</summary>
    private sealed class Cursor(PartReader reader, int[] blocks)
    {
        private int _blockIndex = -1;

        public ColumnarBlock? Block { get; private set; }

        public int Row { get; private set; } = -1;

        public long Time => Block!.Times[Row];

        public bool MoveNext()
        {
            if (Block is not null && Row + 1 < Block.RowCount)
            {
                Row++;
                return true;
            }
            while (++_blockIndex < blocks.Length)
            {
                Block = reader.ReadBlock(blocks[_blockIndex]);
                if (Block.RowCount > 0)
                {
                    Row = 0;
                    return true;
                }
            }
            Block = null;
            return false;
        }
    }
}
