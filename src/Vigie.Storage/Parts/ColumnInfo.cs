using Vigie.Core;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Storage.Parts;

/// <summary>
/// What a part's index knows about one column of one block, without reading its data: enough for
/// a query to skip the block (constant or dictionary values, numeric range, bloom filter).
/// </summary>
/// <remarks>Immutable; shared by all readers of the part.</remarks>
public sealed class ColumnInfo
{
    internal ColumnInfo(
        string name,
        ColumnEncoding encoding,
        PartFormat.KindsLayout kindsLayout,
        ValueKind uniformKind,
        int presentRows,
        DictEntry[] entries,
        double? minNumber,
        double? maxNumber,
        SegmentRef data,
        SegmentRef? bloom,
        FieldValue[]? values = null)
    {
        Name = name;
        Encoding = encoding;
        KindsLayout = kindsLayout;
        UniformKind = kindsLayout == PartFormat.KindsLayout.Uniform ? uniformKind : null;
        PresentRows = presentRows;
        Entries = entries;
        MinNumber = minNumber;
        MaxNumber = maxNumber;
        Data = data;
        Bloom = bloom;
        // values: the entries' values when the caller decoded them already (shared across the blocks of a part).
        ConstValue = encoding == ColumnEncoding.Const && entries.Length == 1 ? (values is { } v ? v[0] : entries[0].ToFieldValue()) : null;
        DictionaryValues = encoding == ColumnEncoding.Dict ? values ?? Array.ConvertAll(entries, e => e.ToFieldValue()) : [];
    }

    public string Name { get; }

    public ColumnEncoding Encoding { get; }

    /// <summary>Rows of the block that have a value for this column.</summary>
    public int PresentRows { get; }

    /// <summary>The kind of every row when all rows are present with one kind; null otherwise.</summary>
    public ValueKind? UniformKind { get; }

    /// <summary>The value of every row, for a <see cref="ColumnEncoding.Const"/> column.</summary>
    public FieldValue? ConstValue { get; }

    /// <summary>The distinct values, for a <see cref="ColumnEncoding.Dict"/> column (empty otherwise); each present row holds one.</summary>
    public IReadOnlyList<FieldValue> DictionaryValues { get; }

    /// <summary>Least present value, when every present value parses as a number (<see cref="NumberText"/>).</summary>
    public double? MinNumber { get; }

    public double? MaxNumber { get; }

    /// <summary>Whether the column has a token bloom filter (Raw, Int64 and Float64 columns do).</summary>
    public bool HasBloom => Bloom is not null;

    /// <summary>Bytes the column's bloom filter takes in the file (0 without one).</summary>
    public int BloomBytes => Bloom?.Length ?? 0;

    /// <summary>Bytes the column's data and bloom take in the file.</summary>
    public long StoredBytes => Data.Length + (Bloom?.Length ?? 0);

    internal PartFormat.KindsLayout KindsLayout { get; }

    internal DictEntry[] Entries { get; }

    internal SegmentRef Data { get; }

    internal SegmentRef? Bloom { get; }

    /// <summary>The same column with its segments moved by <paramref name="delta"/> bytes.</summary>
    internal ColumnInfo Moved(long delta) => new(
        Name, Encoding, KindsLayout, UniformKind ?? ValueKind.Absent, PresentRows, Entries, MinNumber, MaxNumber,
        Data with { Offset = Data.Offset + delta }, Bloom is { } b ? b with { Offset = b.Offset + delta } : null);
}
