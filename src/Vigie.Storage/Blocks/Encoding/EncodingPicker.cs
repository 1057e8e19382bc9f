using System.Buffers;
using System.IO.Hashing;
using Vigie.Core;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Looks at one column and picks its encoding: Const, then Dict, then Int64 or PackedInt64 (the
/// smaller), then Decimal, then Float64, then Ipv4, then Raw, the first whose preconditions hold. A first pass finds the distinct values; only a column
/// that is neither Const nor Dict is then parsed as numbers, row by row. Also gathers what the index keeps
/// about the column (present rows, uniform kind, numeric range, dictionary).
/// </summary>
/// <remarks>
/// One instance per writing thread, reused column after column: its tables are allocated once, so
/// analysing allocates only the dictionary entries that end up in the index.
/// </remarks>
internal sealed class EncodingPicker : IDisposable
{
    /// <summary>Dictionary and constant values live in the index, which readers keep in memory: keep them small.</summary>
    public const int MaxIndexValueBytes = 4096;

    private const int TableSize = 1024;

    private readonly int[] _slotCode = new int[TableSize];
    private readonly ulong[] _slotHash = new ulong[TableSize];
    private readonly List<int> _entryRows = new(Parts.PartFormat.MaxDictionaryValues);
    private byte[] _codes = new byte[1024];
    private long[] _integers = new long[1024];
    private double[] _floats = new double[1024];
    private byte[] _scales = new byte[1024];
    private uint[] _addresses = new uint[1024];
    private long _packedMin;
    private int _packedWidth;
    private Column? _column;
    private bool _dictPossible;
    private long _dictBytes;

    public int PresentRows { get; private set; }

    /// <summary>The one kind of all rows when every row is present with the same kind.</summary>
    public ValueKind? UniformKind { get; private set; }

    public int DistinctCount => _dictPossible ? _entryRows.Count : -1;

    /// <summary>Every present value is a canonical Int64; computed only for columns that are neither Const nor Dict.</summary>
    public bool AllInt64 { get; private set; }

    /// <summary>Every present value is a canonical Float64; computed only for columns that are neither Const nor Dict.</summary>
    public bool AllFloat64 { get; private set; }

    public double? MinNumber { get; private set; }

    public double? MaxNumber { get; private set; }

    public ColumnEncoding Encoding { get; private set; }

    /// <summary>The smallest value and the bit width of a PackedInt64 column.</summary>
    public (long Min, int Width) Packing => (_packedMin, _packedWidth);

    /// <summary>The scale of a Decimal column: its values are <see cref="Mantissas"/> / 10^scale.</summary>
    public int DecimalScale { get; private set; }

    /// <summary>The scaled integer of each present row, valid when <see cref="Encoding"/> is Decimal.</summary>
    public ReadOnlySpan<long> Mantissas => _integers.AsSpan(0, PresentRows);

    /// <summary>The address of each present row, valid when <see cref="Encoding"/> is Ipv4.</summary>
    public ReadOnlySpan<uint> Addresses => _addresses.AsSpan(0, PresentRows);

    /// <summary>The Dict code of each present row, valid when <see cref="Encoding"/> is Dict.</summary>
    public ReadOnlySpan<byte> Codes => _codes.AsSpan(0, PresentRows);

    /// <summary>The integer of each present row, valid when <see cref="AllInt64"/>: the Int64 encoder writes them without parsing again.</summary>
    public ReadOnlySpan<long> Integers => _integers.AsSpan(0, PresentRows);

    /// <summary>The double of each present row, valid when <see cref="AllFloat64"/>: the Float64 encoder writes them without parsing again.</summary>
    public ReadOnlySpan<double> Floats => _floats.AsSpan(0, PresentRows);

    public ColumnEncoding Analyze(Column column)
    {
        _column = column;
        _entryRows.Clear();
        _slotCode.AsSpan().Fill(-1);
        _dictPossible = true;
        _dictBytes = 0;
        if (_codes.Length < column.RowCount)
        {
            _codes = GC.AllocateUninitializedArray<byte>(Math.Max(column.RowCount, _codes.Length * 2));
        }
        // The column's rows only: its arrays may be lent, longer than its rows.
        var kinds = column.RowKinds;
        var offsets = column.Offsets;
        var bytes = column.Bytes;
        var present = 0;
        ValueKind first = ValueKind.Absent;
        var uniform = true;
        var previousKind = ValueKind.Absent;
        var (previousStart, previousLength) = (0, 0);
        for (var r = 0; r < kinds.Length; r++)
        {
            var kind = kinds[r];
            if (kind == ValueKind.Absent)
            {
                uniform = false;
                continue;
            }
            if (present == 0)
            {
                first = kind;
            }
            else if (kind != first)
            {
                uniform = false;
            }
            if (_dictPossible)
            {
                var value = bytes.AsSpan(offsets[r], offsets[r + 1] - offsets[r]);
                // A block holds one stream's rows in time order, where a value often repeats the row
                // before: its code is that row's, without hashing the value and probing for it.
                if (present > 0 && kind == previousKind && value.SequenceEqual(bytes.AsSpan(previousStart, previousLength)))
                {
                    _codes[present] = _codes[present - 1];
                }
                else
                {
                    TrackDistinct(r, kind, value, present);
                }
                (previousKind, previousStart, previousLength) = (kind, offsets[r], value.Length);
            }
            present++;
        }
        PresentRows = present;
        UniformKind = uniform && present > 0 ? first : null;
        AllInt64 = AllFloat64 = false;
        MinNumber = MaxNumber = null;
        if (present == 0)
        {
            return Encoding = ColumnEncoding.Raw;
        }
        if (ChooseDictionary() is { } dictionary)
        {
            // The range of a column's values is the range of its distinct values: no row is parsed.
            RangeOfEntries();
            return Encoding = dictionary;
        }
        AnalyzeNumbers(kinds, offsets, bytes);
        if (AllInt64)
        {
            var integers = Integers;
            // Fewer bytes wins: neighbours' differences (counters, ids) or offsets from the smallest value (sizes, counts).
            return Encoding = PackedInt64Encoding.PackedBytes(integers, out _packedMin, out _packedWidth) < PackedInt64Encoding.Int64VarintBytes(integers)
                ? ColumnEncoding.PackedInt64
                : ColumnEncoding.Int64;
        }
        // Numbers only (all present values parsed as such): decimals are smaller than doubles.
        if (MinNumber is not null && AnalyzeDecimals(kinds, offsets, bytes))
        {
            return Encoding = ColumnEncoding.Decimal;
        }
        if (AllFloat64)
        {
            return Encoding = ColumnEncoding.Float64;
        }
        return Encoding = MinNumber is null && AnalyzeIpv4(kinds, offsets, bytes) ? ColumnEncoding.Ipv4 : ColumnEncoding.Raw;
    }

    /// <summary>Const or Dict when the distinct values allow it (Const first), else null.</summary>
    private ColumnEncoding? ChooseDictionary()
    {
        if (!_dictPossible || _dictBytes > MaxIndexValueBytes)
        {
            return null;
        }
        if (_entryRows.Count == 1 && UniformKind is not null)
        {
            return ColumnEncoding.Const;
        }
        return _entryRows.Count * 2 <= PresentRows ? ColumnEncoding.Dict : null;
    }

    private void RangeOfEntries()
    {
        var column = _column!;
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        foreach (var r in _entryRows)
        {
            if (!NumberText.TryParse(column.GetValue(r), out var number))
            {
                return;
            }
            min = Math.Min(min, number);
            max = Math.Max(max, number);
        }
        (MinNumber, MaxNumber) = (min, max);
    }

    /// <summary>Whether every present value is a canonical Int64 or Float64 (keeping the numbers for their encoders), and the numeric range.</summary>
    private void AnalyzeNumbers(ReadOnlySpan<ValueKind> kinds, int[] offsets, byte[] bytes)
    {
        if (_integers.Length < kinds.Length)
        {
            _integers = GC.AllocateUninitializedArray<long>(Math.Max(kinds.Length, _integers.Length * 2));
            _floats = GC.AllocateUninitializedArray<double>(_integers.Length);
        }
        var present = 0;
        var allInt = true;
        var allFloat = true;
        var allNumeric = true;
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        for (var r = 0; r < kinds.Length && (allInt || allFloat || allNumeric); r++)
        {
            var kind = kinds[r];
            if (kind == ValueKind.Absent)
            {
                continue;
            }
            var value = bytes.AsSpan(offsets[r], offsets[r + 1] - offsets[r]);
            var isInt = false;
            long integer = 0;
            // The number a value is, once parsed by one of the tests below: the numeric range reuses
            // it rather than parse the text a third time (both parses round to the same double).
            var parsed = false;
            double number = 0;
            if (allInt || allFloat)
            {
                isInt = kind == ValueKind.Number && NumberForms.TryParseCanonicalInt64(value, out integer);
                allInt &= isInt;
                if (isInt)
                {
                    (parsed, number) = (true, integer);
                    _integers[present] = integer;
                    // Exact: below 1e15 (the only integers the float test below skips) a long is a double.
                    _floats[present] = integer;
                }
            }
            // Below 1e15 a canonical integer is also the shortest round-trip text of its double,
            // so the second parse is needed only for other values.
            if (allFloat && !(isInt && integer is > -1_000_000_000_000_000 and < 1_000_000_000_000_000))
            {
                if (kind == ValueKind.Number && NumberForms.TryParseCanonicalFloat64(value, out var f))
                {
                    _floats[present] = f;
                    // "NaN" and "-Infinity" are canonical floats but not numbers to NumberText.
                    (parsed, number) = (double.IsFinite(f) && value[0] is (>= (byte)'0' and <= (byte)'9') or (byte)'-', f);
                }
                else
                {
                    allFloat = false;
                }
            }
            if (allNumeric)
            {
                if (parsed || NumberText.TryParse(value, out number))
                {
                    min = Math.Min(min, number);
                    max = Math.Max(max, number);
                }
                else
                {
                    allNumeric = false;
                }
            }
            present++;
        }
        AllInt64 = allInt;
        AllFloat64 = allFloat;
        MinNumber = allNumeric ? min : null;
        MaxNumber = allNumeric ? max : null;
    }

    /// <summary>Whether every present value is a Number written as a canonical decimal that fits the Decimal encoding; keeps the scaled values.</summary>
    private bool AnalyzeDecimals(ReadOnlySpan<ValueKind> kinds, int[] offsets, byte[] bytes)
    {
        if (_scales.Length < kinds.Length)
        {
            _scales = GC.AllocateUninitializedArray<byte>(Math.Max(kinds.Length, _scales.Length * 2));
        }
        var present = 0;
        var scale = 0;
        for (var r = 0; r < kinds.Length; r++)
        {
            var kind = kinds[r];
            if (kind == ValueKind.Absent)
            {
                continue;
            }
            if (kind != ValueKind.Number
                || !DecimalEncoding.TryParse(bytes.AsSpan(offsets[r], offsets[r + 1] - offsets[r]), out var mantissa, out var digits))
            {
                return false;
            }
            // AnalyzeNumbers filled _integers as far as it got; Decimal reuses the array for its mantissas.
            _integers[present] = mantissa;
            _scales[present] = (byte)digits;
            scale = Math.Max(scale, digits);
            present++;
        }
        DecimalScale = scale;
        return DecimalEncoding.TryRescale(_integers.AsSpan(0, present), _scales.AsSpan(0, present), scale);
    }

    /// <summary>Whether every present value is a canonical IPv4 address; keeps the addresses.</summary>
    private bool AnalyzeIpv4(ReadOnlySpan<ValueKind> kinds, int[] offsets, byte[] bytes)
    {
        if (_addresses.Length < kinds.Length)
        {
            _addresses = GC.AllocateUninitializedArray<uint>(Math.Max(kinds.Length, _addresses.Length * 2));
        }
        var present = 0;
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] == ValueKind.Absent)
            {
                continue;
            }
            if (!Ipv4Encoding.TryParse(bytes.AsSpan(offsets[r], offsets[r + 1] - offsets[r]), out var address))
            {
                return false;
            }
            _addresses[present++] = address;
        }
        return true;
    }

    /// <summary>The entries of a Const or Dict column, in code order; allocates their copies.</summary>
    public DictEntry[] GetEntries()
    {
        var column = _column ?? throw new InvalidOperationException("Analyze first");
        var entries = new DictEntry[_entryRows.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var r = _entryRows[i];
            entries[i] = new DictEntry(column.Kinds[r], column.GetValue(r).ToArray());
        }
        return entries;
    }

    private void TrackDistinct(int row, ValueKind kind, ReadOnlySpan<byte> value, int presentIndex)
    {
        var column = _column!;
        var hash = XxHash3.HashToUInt64(value, (long)kind);
        var slot = (int)(hash & (TableSize - 1));
        while (true)
        {
            var code = _slotCode[slot];
            if (code < 0)
            {
                if (_entryRows.Count == Parts.PartFormat.MaxDictionaryValues)
                {
                    _dictPossible = false;
                    return;
                }
                code = _entryRows.Count;
                _entryRows.Add(row);
                _slotCode[slot] = code;
                _slotHash[slot] = hash;
                _dictBytes += value.Length;
                _codes[presentIndex] = (byte)code;
                // Past the index's budget no dictionary can be chosen: stop hashing the column's values.
                _dictPossible = _dictBytes <= MaxIndexValueBytes;
                return;
            }
            if (_slotHash[slot] == hash)
            {
                var other = _entryRows[code];
                if (column.Kinds[other] == kind && column.GetValue(other).SequenceEqual(value))
                {
                    _codes[presentIndex] = (byte)code;
                    return;
                }
            }
            slot = (slot + 1) & (TableSize - 1);
        }
    }

    public void Dispose()
    {
        _codes = [];
        _integers = [];
        _floats = [];
        _scales = [];
        _addresses = [];
    }
}
