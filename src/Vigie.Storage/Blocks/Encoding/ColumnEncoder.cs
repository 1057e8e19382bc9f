using Vigie.Core;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Turns decoded columns and block times into stored segments: picks the encoding, writes kinds and
/// values into a payload, wraps it (zstd when it pays) and builds the bloom filter of text columns.
/// </summary>
/// <remarks>
/// One instance per writing thread, reused for every column of every block: its buffers are rented
/// once and grow to the largest column seen, so steady-state encoding allocates only what ends in
/// the index (dictionary entries) and the bloom filter words.
/// </remarks>
internal sealed class ColumnEncoder : IDisposable
{
    private readonly EncodingPicker _picker = new();
    private readonly TemplateFinder _templates = new();
    private readonly TokenHashes _tokens = new();
    private readonly ByteBuffer _payload = new(64 * 1024);
    private readonly ByteBuffer _data = new(64 * 1024);
    private readonly ByteBuffer _bloom = new(4096);
    private readonly ByteBuffer _stored = new(64 * 1024);
    private readonly int _level;
    private ulong[] _deltas = new ulong[1024];

    public ColumnEncoder(int compressionLevel) => _level = compressionLevel;

    /// <summary>
    /// Where the part writer gathers the stored segments of the block this encoder encodes, back to back
    /// in file order, so that they need no array of their own: valid until the encoder's next block.
    /// </summary>
    public ByteBuffer Stored => _stored;

    /// <summary>The stored times segment of a block, <see cref="PartFormat.TimesEncoding.Packed"/>; valid until the next call.</summary>
    public ReadOnlySpan<byte> EncodeTimes(ReadOnlySpan<long> times)
    {
        _payload.Clear();
        var packed = PackedTimes.Encode(times, _payload, Scratch(times.Length));
        _data.Clear();
        // Packed bits are noise to zstd: do not spend a compression on them.
        if (packed)
        {
            SegmentEnvelope.WrapUncompressed(_payload.Span, _data);
        }
        else
        {
            SegmentEnvelope.Wrap(_payload.Span, _data, _level);
        }
        return _data.Span;
    }

    public EncodedColumn Encode(Column column) => Encode(column, [column], 0);

    /// <summary>
    /// Encodes column <paramref name="self"/> of a block's <paramref name="columns"/>: the message column
    /// (<see cref="FieldNames.Message"/>), when it would be Raw, may become a Template over the others,
    /// which are never Template themselves.
    /// </summary>
    public EncodedColumn Encode(Column column, IReadOnlyList<Column> columns, int self)
    {
        var encoding = _picker.Analyze(column);
        if (encoding == ColumnEncoding.Raw && columns.Count > 1 && _picker.PresentRows > 1
            && string.Equals(column.Name, FieldNames.Message, StringComparison.Ordinal)
            && _templates.TryFind(column, columns, self, RawPayloadBytes(column)))
        {
            encoding = ColumnEncoding.Template;
        }
        var layout = _picker.UniformKind is null ? PartFormat.KindsLayout.PerRow : PartFormat.KindsLayout.Uniform;
        _payload.Clear();
        if (layout == PartFormat.KindsLayout.PerRow)
        {
            KindsCodec.Encode(column.RowKinds, _payload);
        }
        var entries = Array.Empty<DictEntry>();
        switch (encoding)
        {
            case ColumnEncoding.Const:
                entries = _picker.GetEntries();
                break;
            case ColumnEncoding.Dict:
                entries = _picker.GetEntries();
                DictEncoding.Encode(_picker.Codes, _payload);
                break;
            case ColumnEncoding.Int64:
                Int64Encoding.Encode(_picker.Integers, _payload);
                break;
            case ColumnEncoding.Float64:
                Float64Encoding.Encode(_picker.Floats, _payload);
                break;
            case ColumnEncoding.PackedInt64:
                PackedInt64Encoding.Encode(_picker.Integers, _picker.Packing.Min, _picker.Packing.Width, _payload, Scratch(_picker.PresentRows));
                break;
            case ColumnEncoding.Decimal:
                DecimalEncoding.Encode(_picker.Mantissas, _picker.DecimalScale, _payload, Scratch(_picker.PresentRows));
                break;
            case ColumnEncoding.Ipv4:
                Ipv4Encoding.Encode(_picker.Addresses, _payload);
                break;
            case ColumnEncoding.Template:
                _templates.Write(column, _payload);
                break;
            default:
                RawEncoding.Encode(column, _payload);
                break;
        }
        _data.Clear();
        SegmentEnvelope.Wrap(_payload.Span, _data, _level);

        _bloom.Clear();
        // Numbers get no bloom: a number matches its other spellings (500 and 500.0), so queries test
        // numeric columns by their min/max instead of by words.
        // A template column's bloom holds its texts' words as a Raw one's does: searches read it alike.
        if (encoding is ColumnEncoding.Raw or ColumnEncoding.Template && _picker.PresentRows > 0)
        {
            _tokens.WriteBloom(column, _bloom);
        }
        else if (encoding == ColumnEncoding.Ipv4)
        {
            // The words of canonical addresses are their octets, already parsed by the picker.
            TokenHashes.WriteBloom(_picker.Addresses, _bloom);
        }
        return new EncodedColumn
        {
            Encoding = encoding,
            KindsLayout = layout,
            UniformKind = _picker.UniformKind ?? ValueKind.Absent,
            PresentRows = _picker.PresentRows,
            Entries = entries,
            MinNumber = _picker.MinNumber,
            MaxNumber = _picker.MaxNumber,
            Data = _data.Span,
            Bloom = _bloom.Span,
        };
    }

    /// <summary>About the bytes of the column's Raw payload: its texts and a length byte each (more for the few longer than 127 bytes).</summary>
    private long RawPayloadBytes(Column column)
    {
        var offsets = column.Offsets;
        return offsets[column.RowCount] - offsets[0] + _picker.PresentRows;
    }

    /// <summary>The encoder's buffer of unsigned values to bit-pack, at least <paramref name="count"/> long.</summary>
    private Span<ulong> Scratch(int count)
    {
        if (_deltas.Length < count)
        {
            _deltas = GC.AllocateUninitializedArray<ulong>(Math.Max(count, _deltas.Length * 2));
        }
        return _deltas;
    }

    public void Dispose()
    {
        _picker.Dispose();
        _templates.Dispose();
        _tokens.Dispose();
        _payload.Dispose();
        _data.Dispose();
        _bloom.Dispose();
        _stored.Dispose();
    }
}
