using System.Text;
using Vigie.Core;

namespace Vigie.Storage.Blocks;

/// <summary>
/// One field of one block, decoded: per row the value's kind (<see cref="ValueKind.Absent"/> where the
/// row lacks the field) and its UTF-8 bytes, all rows' bytes in one buffer.
/// </summary>
/// <remarks>
/// A column read from a part may also carry a typed view of its stored form (<see cref="Numbers"/>,
/// <see cref="DictionaryCodes"/>, <see cref="ConstantValue"/>), so that a query can filter and aggregate
/// without the texts; the texts (<see cref="Offsets"/>, <see cref="Bytes"/>) are then produced from that
/// form on first use only. Immutable once built; safe to read from several query workers at once.
/// </remarks>
public sealed class Column
{
    private readonly Func<(int[] Offsets, byte[] Bytes)>? _materialise;
    private readonly int _rowCount;
    private Texts? _texts;

    public Column(string name, ValueKind[] kinds, int[] offsets, byte[] bytes)
    {
        if (offsets.Length != kinds.Length + 1)
        {
            throw new ArgumentException("offsets must have one entry more than kinds", nameof(offsets));
        }
        Name = name;
        Kinds = kinds;
        _rowCount = kinds.Length;
        _texts = new Texts(offsets, bytes);
    }

    /// <summary>
    /// A column of the first <paramref name="rowCount"/> rows of arrays that may be longer (arrays a
    /// builder lends to the blocks it builds for the part writer, see
    /// <see cref="ColumnarBlockBuilder.BuildLent"/>, or a merge's decoded source blocks, see
    /// <see cref="Parts.PartReader.ReadBlockLent"/>): whatever lies past the row count is not read.
    /// </summary>
    internal Column(string name, ValueKind[] kinds, int[] offsets, byte[] bytes, int rowCount)
    {
        if ((uint)rowCount > (uint)kinds.Length || offsets.Length <= rowCount)
        {
            throw new ArgumentException($"{rowCount} rows need as many kinds and one offset more", nameof(rowCount));
        }
        Name = name;
        Kinds = kinds;
        _rowCount = rowCount;
        _texts = new Texts(offsets, bytes);
    }

    /// <summary>A column whose texts are produced from its typed view when first asked for.</summary>
    internal Column(string name, ValueKind[] kinds, Func<(int[] Offsets, byte[] Bytes)> materialise)
    {
        Name = name;
        Kinds = kinds;
        _rowCount = kinds.Length;
        _materialise = materialise;
    }

    /// <summary>A column with a typed view whose texts are produced now if <paramref name="eager"/>, else when first asked for.</summary>
    internal Column(string name, ValueKind[] kinds, Func<(int[] Offsets, byte[] Bytes)> materialise, bool eager)
        : this(name, kinds, materialise)
    {
        if (eager)
        {
            var (offsets, bytes) = materialise();
            _texts = new Texts(offsets, bytes);
        }
    }

    public string Name { get; }

    /// <summary>
    /// Per row; <see cref="ValueKind.Absent"/> where the row has no value. Longer than <see cref="RowCount"/>
    /// in a column whose arrays are lent (see the internal constructor): read <see cref="RowCount"/> rows.
    /// </summary>
    public ValueKind[] Kinds { get; }

    /// <summary>The kinds of the column's rows, and no more.</summary>
    internal ReadOnlySpan<ValueKind> RowKinds => Kinds.AsSpan(0, _rowCount);

    /// <summary>
    /// Row r's value is <c>Bytes[Offsets[r]..Offsets[r + 1]]</c>; an absent row has an empty range.
    /// Holds at least <see cref="RowCount"/> + 1 entries (more in a column whose arrays are lent).
    /// </summary>
    public int[] Offsets => GetTexts().Offsets;

    public byte[] Bytes => GetTexts().Bytes;

    /// <summary>
    /// For a column stored as numbers: per row, the number its text parses to (what
    /// <see cref="NumberText.TryParse(ReadOnlySpan{byte}, out double)"/> gives for a finite one; NaN or an
    /// infinity otherwise, which is then no number); meaningless for absent rows. Null for other columns.
    /// </summary>
    public double[]? Numbers { get; internal init; }

    /// <summary>For a column stored as 64-bit integers: per row, the integer its text is the canonical form of (0 for absent rows).</summary>
    public long[]? Integers { get; internal init; }

    /// <summary>For a column stored as IPv4 addresses: per row, the address its text is the canonical form of (0 for absent rows).</summary>
    public uint[]? Ipv4Addresses { get; internal init; }

    /// <summary>For a dictionary column: per row, the index of its value in <see cref="DictionaryValues"/> (0 for absent rows).</summary>
    public byte[]? DictionaryCodes { get; internal init; }

    /// <summary>For a dictionary column: its distinct values.</summary>
    public IReadOnlyList<FieldValue>? DictionaryValues { get; internal init; }

    /// <summary>For a column whose every row holds one value: that value.</summary>
    public FieldValue? ConstantValue { get; internal init; }

    public int RowCount => _rowCount;

    public bool Has(int row) => Kinds[row] != ValueKind.Absent;

    public ReadOnlySpan<byte> GetValue(int row)
    {
        var texts = GetTexts();
        return texts.Bytes.AsSpan(texts.Offsets[row], texts.Offsets[row + 1] - texts.Offsets[row]);
    }

    public string GetString(int row) => Encoding.UTF8.GetString(GetValue(row));

    public FieldValue? GetFieldValue(int row) => Has(row) ? new FieldValue(Kinds[row], GetString(row)) : null;

    private Texts GetTexts()
    {
        if (_texts is { } texts)
        {
            return texts;
        }
        // Two workers may both build the texts; they are equal, and one of them is kept.
        var (offsets, bytes) = _materialise!();
        return Interlocked.CompareExchange(ref _texts, new Texts(offsets, bytes), null) ?? _texts;
    }

    private sealed record Texts(int[] Offsets, byte[] Bytes);
}
