using Vigie.Core;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Storage.Parts;

/// <summary>
/// What a part's index knows about one column of one block, without reading its data: enough for
/// a query to skip the block (constant or dictionary values, numeric range, bloom filter).
/// </summary>
/// <remarks>
/// Immutable; shared by all readers of the part. The index of every live part stays in memory for
/// the server's lifetime, one of these per column per block: the fields are packed (no nullable
/// wrappers, one array for constant and dictionary values, shared with the blocks that hold the
/// same values when the index is read).
/// </remarks>
public sealed class ColumnInfo
{
    private readonly FieldValue[] _values;
    private readonly double _minNumber;
    private readonly double _maxNumber;
    private readonly SegmentRef _bloom;
    private readonly ValueKind _uniformKind;
    private readonly bool _hasRange;
    private readonly bool _hasBloom;

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
        _uniformKind = kindsLayout == PartFormat.KindsLayout.Uniform ? uniformKind : ValueKind.Absent;
        PresentRows = presentRows;
        Entries = entries;
        _hasRange = minNumber is not null && maxNumber is not null;
        _minNumber = minNumber ?? 0;
        _maxNumber = maxNumber ?? 0;
        Data = data;
        _hasBloom = bloom is not null;
        _bloom = bloom ?? default;
        // values: the entries' values when the caller decoded them already (shared across the blocks of a part).
        _values = (encoding == ColumnEncoding.Const && entries.Length == 1) || encoding == ColumnEncoding.Dict
            ? values ?? Array.ConvertAll(entries, e => e.ToFieldValue())
            : [];
    }

    public string Name { get; }

    public ColumnEncoding Encoding { get; }

    /// <summary>Rows of the block that have a value for this column.</summary>
    public int PresentRows { get; }

    /// <summary>The kind of every row when all rows are present with one kind; null otherwise.</summary>
    public ValueKind? UniformKind => KindsLayout == PartFormat.KindsLayout.Uniform ? _uniformKind : null;

    /// <summary>The value of every row, for a <see cref="ColumnEncoding.Const"/> column.</summary>
    public FieldValue? ConstValue => Encoding == ColumnEncoding.Const && _values.Length == 1 ? _values[0] : null;

    /// <summary>The distinct values, for a <see cref="ColumnEncoding.Dict"/> column (empty otherwise); each present row holds one.</summary>
    public IReadOnlyList<FieldValue> DictionaryValues => Encoding == ColumnEncoding.Dict ? _values : [];

    /// <summary>Least present value, when every present value parses as a number (<see cref="NumberText"/>).</summary>
    public double? MinNumber => _hasRange ? _minNumber : null;

    public double? MaxNumber => _hasRange ? _maxNumber : null;

    /// <summary>Whether the column has a token bloom filter (Raw, Int64 and Float64 columns do).</summary>
    public bool HasBloom => _hasBloom;

    /// <summary>Bytes the column's bloom filter takes in the file (0 without one).</summary>
    public int BloomBytes => _hasBloom ? _bloom.Length : 0;

    /// <summary>Bytes the column's data and bloom take in the file.</summary>
    public long StoredBytes => Data.Length + BloomBytes;

    internal PartFormat.KindsLayout KindsLayout { get; }

    internal DictEntry[] Entries { get; }

    internal SegmentRef Data { get; }

    internal SegmentRef? Bloom => _hasBloom ? _bloom : null;

    /// <summary>The same column with its segments moved by <paramref name="delta"/> bytes.</summary>
    internal ColumnInfo Moved(long delta) => new(
        Name, Encoding, KindsLayout, _uniformKind, PresentRows, Entries, MinNumber, MaxNumber,
        Data with { Offset = Data.Offset + delta }, Bloom is { } b ? b with { Offset = b.Offset + delta } : null,
        Encoding is ColumnEncoding.Const or ColumnEncoding.Dict ? _values : null);
}
