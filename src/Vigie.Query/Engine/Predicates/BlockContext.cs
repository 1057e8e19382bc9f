using Vigie.Storage.Blocks;
using Vigie.Storage.Parts;

namespace Vigie.Query.Engine.Predicates;

/// <summary>The block a predicate looks at: its metadata, and once decoded, its data.</summary>
public sealed class BlockContext(PartReader reader, int blockIndex)
{
    public PartReader Reader { get; } = reader;

    public int BlockIndex { get; } = blockIndex;

    public BlockInfo Info => Reader.Blocks[BlockIndex];

    /// <summary>Set once the block is decoded (with the columns the query needs).</summary>
    public ColumnarBlock? Data { get; set; }
}
