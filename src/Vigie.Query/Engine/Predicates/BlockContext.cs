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

    private Dictionary<string, Column?>? _late;

    /// <summary>
    /// A column the scan left out of <see cref="Data"/> (a template column only the filter reads),
    /// decoded on first use and kept for the block's other predicates.
    /// </summary>
    /// <exception cref="PartCorruptException">The column's data is damaged.</exception>
    public Column? ReadColumn(string name)
    {
        _late ??= new Dictionary<string, Column?>(StringComparer.Ordinal);
        if (!_late.TryGetValue(name, out var column))
        {
            column = Reader.ReadBlock(BlockIndex, [name], withTimes: false).GetColumn(name);
            _late[name] = column;
        }
        return column;
    }
}
