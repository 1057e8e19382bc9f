using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;
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

    private Dictionary<string, TemplateRows?>? _templates;

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

    /// <summary>
    /// Column <paramref name="name"/> as its templates, its rows rebuilt one by one, when the block stores
    /// it as templates (null otherwise); read on first use and kept for the block's other readers.
    /// </summary>
    /// <exception cref="PartCorruptException">The column's data is damaged.</exception>
    public TemplateRows? TemplateRows(string name)
    {
        _templates ??= new Dictionary<string, TemplateRows?>(StringComparer.Ordinal);
        if (!_templates.TryGetValue(name, out var rows))
        {
            var info = Info.FindColumn(name);
            rows = info is { Encoding: ColumnEncoding.Template } && Reader.ReadTemplateView(BlockIndex, name) is { } view
                ? new TemplateRows(this, view, info.Data.Offset)
                : null;
            _templates[name] = rows;
        }
        return rows;
    }
}
