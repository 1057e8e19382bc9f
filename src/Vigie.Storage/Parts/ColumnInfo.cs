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
/// same values when the index is read). Read from the index, the values are held as texts only:
/// their entries (the exact bytes the decoders take) are made from the texts when asked
/// (<see cref="ColumnEntries"/>).
/// </remarks>
public sealed class ColumnInfo
{
    private readonly FieldValue[] _values;
    // The values' entries: a DictEntry[] (as given, or the exact bytes of values whose UTF-8 does
    // not round-trip), or the ColumnEntries that makes them from the values when asked.
    private readonly object _entries;
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
        : this(name, encoding, kindsLayout, uniformKind, presentRows, (object)entries, minNumber, maxNumber, data, bloom,
            (encoding == ColumnEncoding.Const && entries.Length == 1) || encoding == ColumnEncoding.Dict
                ? values ?? Array.ConvertAll(entries, e => e.ToFieldValue())
                : [])
    {
    }

    /// <summary>A column read from a part's index whose entries are made from its values when a block is decoded.</summary>
    internal ColumnInfo(
        string name,
        ColumnEncoding encoding,
        PartFormat.KindsLayout kindsLayout,
        ValueKind uniformKind,
        int presentRows,
        ColumnEntries entries,
        FieldValue[] values,
        double? minNumber,
        double? maxNumber,
        SegmentRef data,
        SegmentRef? bloom)
        : this(name, encoding, kindsLayout, uniformKind, presentRows, (object)entries, minNumber, maxNumber, data, bloom, values)
    {
    }

    private ColumnInfo(
        string name,
        ColumnEncoding encoding,
        PartFormat.KindsLayout kindsLayout,
        ValueKind uniformKind,
        int presentRows,
        object entries,
        double? minNumber,
        double? maxNumber,
        SegmentRef data,
        SegmentRef? bloom,
        FieldValue[] values)
    {
        Name = name;
        Encoding = encoding;
        KindsLayout = kindsLayout;
        _uniformKind = kindsLayout == PartFormat.KindsLayout.Uniform ? uniformKind : ValueKind.Absent;
        PresentRows = presentRows;
        _entries = entries;
        _hasRange = minNumber is not null && maxNumber is not null;
        _minNumber = minNumber ?? 0;
        _maxNumber = maxNumber ?? 0;
        Data = data;
        _hasBloom = bloom is not null;
        _bloom = bloom ?? default;
        // values: the entries' values when the caller decoded them already (shared across the blocks of a part).
        _values = values;
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

    internal DictEntry[] Entries => _entries as DictEntry[] ?? ((ColumnEntries)_entries).Get();

    internal SegmentRef Data { get; }

    internal SegmentRef? Bloom => _hasBloom ? _bloom : null;

    /// <summary>The same column with its segments moved by <paramref name="delta"/> bytes.</summary>
    internal ColumnInfo Moved(long delta) => new(
        Name, Encoding, KindsLayout, _uniformKind, PresentRows, _entries, MinNumber, MaxNumber,
        Data with { Offset = Data.Offset + delta }, Bloom is { } b ? b with { Offset = b.Offset + delta } : null,
        _values);
}
