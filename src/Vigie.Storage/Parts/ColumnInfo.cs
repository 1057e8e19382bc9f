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
    // not round-trip), or the ColumnEntries that makes them from the values when asked; wrapped in
    // an ApartBloom for the rare column whose bloom does not follow its data in the file.
    private readonly object _entries;
    private readonly double _minNumber;
    private readonly double _maxNumber;
    // The segments, unpacked: a SegmentRef pads to 24 bytes, and the bloom, written right after
    // the data, needs no offset of its own. 96 bytes a column instead of 120.
    private readonly long _dataOffset;
    private readonly ulong _dataChecksum;
    private readonly ulong _bloomChecksum;
    private readonly int _dataLength;
    private readonly int _bloomLength;
    private readonly ValueKind _uniformKind;
    private readonly Flags _flags;

    [Flags]
    private enum Flags : byte
    {
        None = 0,
        Range = 1,
        Bloom = 2,
    }

    /// <summary>The entries of a column whose bloom lies elsewhere than right after its data.</summary>
    private sealed record ApartBloom(object Entries, SegmentRef Bloom);

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
        var flags = Flags.None;
        if (minNumber is { } min && maxNumber is { } max)
        {
            flags |= Flags.Range;
            _minNumber = min;
            _maxNumber = max;
        }
        _dataOffset = data.Offset;
        _dataLength = data.Length;
        _dataChecksum = data.Checksum;
        if (bloom is { } b)
        {
            flags |= Flags.Bloom;
            _bloomLength = b.Length;
            _bloomChecksum = b.Checksum;
            if (b.Offset != data.End)
            {
                entries = new ApartBloom(entries, b);
            }
        }
        _flags = flags;
        _entries = entries;
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
    public double? MinNumber => (_flags & Flags.Range) != 0 ? _minNumber : null;

    public double? MaxNumber => (_flags & Flags.Range) != 0 ? _maxNumber : null;

    /// <summary>Whether the column has a token bloom filter (Raw, Int64 and Float64 columns do).</summary>
    public bool HasBloom => (_flags & Flags.Bloom) != 0;

    /// <summary>Bytes the column's bloom filter takes in the file (0 without one).</summary>
    public int BloomBytes => _bloomLength;

    /// <summary>Bytes the column's data and bloom take in the file.</summary>
    public long StoredBytes => Data.Length + BloomBytes;

    internal PartFormat.KindsLayout KindsLayout { get; }

    internal DictEntry[] Entries => EntriesOf(_entries is ApartBloom apart ? apart.Entries : _entries);

    internal SegmentRef Data => new(_dataOffset, _dataLength, _dataChecksum);

    internal SegmentRef? Bloom => (_flags & Flags.Bloom) == 0
        ? null
        : _entries is ApartBloom apart ? apart.Bloom : new SegmentRef(_dataOffset + _dataLength, _bloomLength, _bloomChecksum);

    private static DictEntry[] EntriesOf(object entries) => entries as DictEntry[] ?? ((ColumnEntries)entries).Get();

    /// <summary>The same column with its segments moved by <paramref name="delta"/> bytes.</summary>
    internal ColumnInfo Moved(long delta) => new(
        Name, Encoding, KindsLayout, _uniformKind, PresentRows, _entries is ApartBloom apart ? apart.Entries : _entries, MinNumber, MaxNumber,
        Data with { Offset = Data.Offset + delta }, Bloom is { } b ? b with { Offset = b.Offset + delta } : null,
        _values);
}
