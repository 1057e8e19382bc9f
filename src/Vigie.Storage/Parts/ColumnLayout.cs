namespace Vigie.Storage.Parts;

/// <summary>
/// The column names of a block, in order, and where each is: what a block looks its columns up
/// by. Blocks of one stream usually hold the same columns, so the blocks of a part share one.
/// </summary>
internal sealed class ColumnLayout
{
    private readonly Dictionary<string, int> _indexes;

    private ColumnLayout(Dictionary<string, int> indexes) => _indexes = indexes;

    /// <summary>The column's position in the block, or -1.</summary>
    public int IndexOf(string name) => _indexes.TryGetValue(name, out var i) ? i : -1;

    /// <summary>A layout of these columns; the first of a repeated name wins (the index rejects repeats when read).</summary>
    public static ColumnLayout Of(IReadOnlyList<ColumnInfo> columns)
    {
        var indexes = new Dictionary<string, int>(columns.Count, StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            indexes.TryAdd(columns[i].Name, i);
        }
        return new ColumnLayout(indexes);
    }

    /// <summary>A layout of these names, or null when a name repeats.</summary>
    public static ColumnLayout? OfDistinct(IReadOnlyList<string> names)
    {
        var indexes = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            if (!indexes.TryAdd(names[i], i))
            {
                return null;
            }
        }
        return new ColumnLayout(indexes);
    }
}
