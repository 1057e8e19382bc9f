using System.Buffers;
using System.Numerics;
using Vigie.Core;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Turns a stored column segment back into a <see cref="Column"/>, given what the index says about it.
/// Throws <see cref="InvalidDataException"/> for bytes that cannot be what the index describes.
/// </summary>
/// <remarks>Stateless apart from the thread's zstd context; safe from any number of threads.</remarks>
internal static class ColumnDecoder
{
    public static long[] DecodeTimes(ReadOnlySpan<byte> stored, int rowCount, PartFormat.TimesEncoding encoding)
    {
        var times = new long[rowCount];
        DecodeTimes(stored, times, encoding);
        return times;
    }

    /// <summary>Decodes <paramref name="times"/>.Length times into a caller's buffer.</summary>
    public static void DecodeTimes(ReadOnlySpan<byte> stored, Span<long> times, PartFormat.TimesEncoding encoding)
    {
        if (!stored.IsEmpty && stored[0] == (byte)PartFormat.SegmentCodec.None)
        {
            // times rarely compress (nanosecond deltas are noise): decode in place, without a copy
            DecodeTimesPayload(stored[1..], times, encoding);
            return;
        }
        var payload = SegmentEnvelope.Unwrap(stored, out var length);
        try
        {
            DecodeTimesPayload(payload.AsSpan(0, length), times, encoding);
        }
        finally
        {
            SegmentEnvelope.Release(payload);
        }
    }

    private static void DecodeTimesPayload(ReadOnlySpan<byte> payload, Span<long> times, PartFormat.TimesEncoding encoding)
    {
        switch (encoding)
        {
            case PartFormat.TimesEncoding.Packed:
                PackedTimes.Decode(payload, times);
                break;
            case PartFormat.TimesEncoding.DeltaOfDelta:
                TimestampCodec.Decode(payload, times);
                break;
            default:
                throw new InvalidDataException($"unknown times encoding {(byte)encoding}");
        }
    }

    /// <summary>
    /// Decodes a column into its typed view (numbers, dictionary codes, a constant) where its encoding
    /// has one, texts being produced only if asked for; a Raw column is decoded to texts at once.
    /// Every check of the stored bytes happens here, not when the texts are produced. With a
    /// <paramref name="lender"/> and <paramref name="rented"/>, the texts are produced at once, their bytes
    /// in an array rented from the lender and added to <paramref name="rented"/>: the caller gives it back
    /// once the column is no longer read.
    /// </summary>
    public static Column Decode(
        string name,
        ColumnEncoding encoding,
        PartFormat.KindsLayout layout,
        ValueKind uniformKind,
        int presentRows,
        IReadOnlyList<DictEntry> entries,
        int rowCount,
        ReadOnlySpan<byte> stored,
        IReadOnlyList<FieldValue>? entryValues = null,
        LentBuffers? lender = null,
        List<byte[]>? rented = null,
        TemplateReferences? references = null)
    {
        // With a lender, every column's texts are produced now, into rented arrays, so that the caller
        // knows every array to give back; a merge reads all of them anyway.
        var lend = rented is null ? null : lender;
        var eager = lend is not null;
        Func<(int[] Offsets, byte[] Bytes)> Lending(Func<LentBuffers?, (int[] Offsets, byte[] Bytes)> format) => lend is null
            ? () => format(null)
            : () =>
            {
                var texts = format(lend);
                rented!.Add(texts.Bytes);
                return texts;
            };
        var payload = SegmentEnvelope.Unwrap(stored, out var length);
        try
        {
            var reader = new SpanReader(payload.AsSpan(0, length));
            var kinds = KindsCodec.Decode(ref reader, layout, uniformKind, rowCount, presentRows);
            Column column;
            switch (encoding)
            {
                case ColumnEncoding.Const:
                    var value = entries.Count == 1 ? entries[0] : throw new InvalidDataException("a constant column needs one value");
                    if ((long)value.Bytes.Length * rowCount > PartFormat.MaxSegmentBytes)
                    {
                        throw new InvalidDataException("constant column decodes to more than the segment limit");
                    }
                    column = new Column(name, kinds, Lending(l => ConstEncoding.Decode(rowCount, value, l)), eager)
                    {
                        ConstantValue = entryValues is { Count: 1 } ? entryValues[0] : value.ToFieldValue(),
                    };
                    break;
                case ColumnEncoding.Dict:
                    var codes = DictEncoding.DecodeCodes(ref reader, kinds, presentRows, entries);
                    CheckDictionaryLength(codes, kinds, entries);
                    column = new Column(name, kinds, Lending(l => DictEncoding.Format(codes, kinds, entries, l)), eager)
                    {
                        DictionaryCodes = codes,
                        DictionaryValues = entryValues ?? [.. entries.Select(e => e.ToFieldValue())],
                    };
                    break;
                case ColumnEncoding.Int64 or ColumnEncoding.PackedInt64:
                    var longs = encoding == ColumnEncoding.Int64
                        ? Int64Encoding.DecodeValues(ref reader, kinds)
                        : PackedInt64Encoding.DecodeValues(ref reader, kinds, presentRows);
                    var numbers = new double[longs.Length];
                    for (var i = 0; i < longs.Length; i++)
                    {
                        // the nearest double, as parsing the integer's text gives
                        numbers[i] = longs[i];
                    }
                    column = new Column(name, kinds, Lending(l => Int64Encoding.Format(longs, kinds, presentRows, l)), eager) { Numbers = numbers, Integers = longs };
                    break;
                case ColumnEncoding.Float64:
                    var doubles = Float64Encoding.DecodeValues(ref reader, kinds);
                    column = new Column(name, kinds, Lending(l => Float64Encoding.Format(doubles, kinds, presentRows, l)), eager) { Numbers = doubles };
                    break;
                case ColumnEncoding.Decimal:
                    var (mantissas, scale) = DecimalEncoding.DecodeValues(ref reader, kinds, presentRows);
                    column = new Column(name, kinds, Lending(l => DecimalEncoding.Format(mantissas, scale, kinds, presentRows, l)), eager)
                    {
                        Numbers = DecimalEncoding.ToNumbers(mantissas, scale),
                    };
                    break;
                case ColumnEncoding.Ipv4:
                    var addresses = Ipv4Encoding.DecodeValues(ref reader, kinds, presentRows);
                    column = new Column(name, kinds, Lending(l => Ipv4Encoding.Format(addresses, kinds, presentRows, l)), eager) { Ipv4Addresses = addresses };
                    break;
                case ColumnEncoding.Raw:
                    var (offsets, bytes) = RawEncoding.Decode(ref reader, kinds, lend);
                    if (lend is not null)
                    {
                        rented!.Add(bytes);
                    }
                    column = new Column(name, kinds, offsets, bytes);
                    break;
                case ColumnEncoding.Template:
                    var templateOffsets = new int[rowCount + 1];
                    var templateBytes = DecodeTemplate(payload.AsSpan(0, length), ref reader, kinds, presentRows, references, lend, templateOffsets);
                    if (lend is not null)
                    {
                        rented!.Add(templateBytes);
                    }
                    column = new Column(name, kinds, templateOffsets, templateBytes);
                    break;
                default:
                    throw new InvalidDataException($"unknown column encoding {(byte)encoding}");
            }
            ExpectEnd(ref reader);
            return column;
        }
        finally
        {
            SegmentEnvelope.Release(payload);
        }
    }

    /// <summary>
    /// Decodes a column's texts for copying its rows elsewhere (merges): its kinds and offsets go into
    /// arrays rented from <paramref name="rows"/>, rounded up so that blocks of about the same size
    /// reuse them, and its value bytes into one rented from <paramref name="lender"/> (added to
    /// <paramref name="rented"/>); the column reads <paramref name="rowCount"/> rows of them. It has no
    /// typed view (numbers, dictionary codes, constant): those are decoded into pooled scratch only to
    /// produce the texts. The same checks of the stored bytes as <see cref="Decode"/>, and the same texts.
    /// </summary>
    public static Column DecodeLent(
        string name,
        ColumnEncoding encoding,
        PartFormat.KindsLayout layout,
        ValueKind uniformKind,
        int presentRows,
        IReadOnlyList<DictEntry> entries,
        int rowCount,
        ReadOnlySpan<byte> stored,
        LentBuffers lender,
        LentRows rows,
        List<byte[]> rented,
        TemplateReferences? references = null)
    {
        var payload = SegmentEnvelope.Unwrap(stored, out var length);
        try
        {
            var reader = new SpanReader(payload.AsSpan(0, length));
            var kindsArray = rows.Kinds.Rent(LentLength(rowCount));
            var kinds = kindsArray.AsSpan(0, rowCount);
            KindsCodec.Decode(ref reader, layout, uniformKind, kinds, presentRows);
            var offsetsArray = rows.Offsets.Rent(LentLength(rowCount + 1));
            var offsets = offsetsArray.AsSpan(0, rowCount + 1);
            byte[] bytes;
            switch (encoding)
            {
                case ColumnEncoding.Const:
                    var value = entries.Count == 1 ? entries[0] : throw new InvalidDataException("a constant column needs one value");
                    bytes = ConstEncoding.Decode(rowCount, value, lender, offsets);
                    break;
                case ColumnEncoding.Dict:
                    var codes = ArrayPool<byte>.Shared.Rent(rowCount);
                    try
                    {
                        DictEncoding.DecodeCodes(ref reader, kinds, presentRows, entries, codes);
                        CheckDictionaryLength(codes, kinds, entries);
                        bytes = DictEncoding.Format(codes.AsSpan(0, rowCount), kinds, entries, lender, offsets);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(codes);
                    }
                    break;
                case ColumnEncoding.Int64 or ColumnEncoding.PackedInt64 or ColumnEncoding.Decimal:
                    var longs = ArrayPool<long>.Shared.Rent(rowCount);
                    try
                    {
                        var values = longs.AsSpan(0, rowCount);
                        if (encoding == ColumnEncoding.Decimal)
                        {
                            var scale = DecimalEncoding.DecodeValues(ref reader, kinds, presentRows, values);
                            bytes = DecimalEncoding.Format(values, scale, kinds, presentRows, lender, offsets);
                            break;
                        }
                        if (encoding == ColumnEncoding.Int64)
                        {
                            Int64Encoding.DecodeValues(ref reader, kinds, values);
                        }
                        else
                        {
                            PackedInt64Encoding.DecodeValues(ref reader, kinds, presentRows, values);
                        }
                        bytes = Int64Encoding.Format(values, kinds, presentRows, lender, offsets);
                    }
                    finally
                    {
                        ArrayPool<long>.Shared.Return(longs);
                    }
                    break;
                case ColumnEncoding.Float64:
                    var doubles = ArrayPool<double>.Shared.Rent(rowCount);
                    try
                    {
                        Float64Encoding.DecodeValues(ref reader, kinds, doubles.AsSpan(0, rowCount));
                        bytes = Float64Encoding.Format(doubles.AsSpan(0, rowCount), kinds, presentRows, lender, offsets);
                    }
                    finally
                    {
                        ArrayPool<double>.Shared.Return(doubles);
                    }
                    break;
                case ColumnEncoding.Ipv4:
                    var addresses = ArrayPool<uint>.Shared.Rent(rowCount);
                    try
                    {
                        Ipv4Encoding.DecodeValues(ref reader, kinds, presentRows, addresses.AsSpan(0, rowCount));
                        bytes = Ipv4Encoding.Format(addresses.AsSpan(0, rowCount), kinds, presentRows, lender, offsets);
                    }
                    finally
                    {
                        ArrayPool<uint>.Shared.Return(addresses);
                    }
                    break;
                case ColumnEncoding.Raw:
                    bytes = RawEncoding.Decode(ref reader, kinds, lender, offsets);
                    break;
                case ColumnEncoding.Template:
                    bytes = DecodeTemplate(payload.AsSpan(0, length), ref reader, kinds, presentRows, references, lender, offsets);
                    break;
                default:
                    throw new InvalidDataException($"unknown column encoding {(byte)encoding}");
            }
            rented.Add(bytes);
            ExpectEnd(ref reader);
            return new Column(name, kindsArray, offsetsArray, bytes, rowCount);
        }
        finally
        {
            SegmentEnvelope.Release(payload);
        }
    }

    /// <summary>
    /// The length of a lent row array for <paramref name="count"/> entries: a power of two (at least
    /// 256), so that the small blocks a merge decodes one after the other, of varied row counts,
    /// find an array long enough in the pool instead of each needing a new one.
    /// </summary>
    internal static int LentLength(int count) => count <= 256 ? 256 : (int)Math.Min(BitOperations.RoundUpToPowerOf2((uint)count), Array.MaxLength);

    /// <summary>
    /// A <see cref="ColumnEncoding.Template"/> column's stored form (<see cref="TemplateView"/>), the
    /// columns it refers to left undecoded; <paramref name="isTemplate"/> tells which columns of the
    /// block are template columns themselves.
    /// </summary>
    public static TemplateView DecodeTemplateView(
        PartFormat.KindsLayout layout, ValueKind uniformKind, int presentRows, int rowCount, ReadOnlySpan<byte> stored,
        int columnCount, int self, Func<int, bool> isTemplate)
    {
        var payload = SegmentEnvelope.Unwrap(stored, out var length);
        try
        {
            var reader = new SpanReader(payload.AsSpan(0, length));
            var kinds = KindsCodec.Decode(ref reader, layout, uniformKind, rowCount, presentRows);
            var view = TemplateEncoding.ReadView(payload.AsSpan(0, length), ref reader, kinds, presentRows, columnCount, self, isTemplate);
            ExpectEnd(ref reader);
            return view;
        }
        finally
        {
            SegmentEnvelope.Release(payload);
        }
    }

    private static byte[] DecodeTemplate(
        ReadOnlySpan<byte> payload, ref SpanReader reader, ReadOnlySpan<ValueKind> kinds, int presentRows,
        TemplateReferences? references, LentBuffers? lender, Span<int> offsets)
    {
        if (references is null)
        {
            throw new InvalidDataException("a template column is decoded with the other columns of its block");
        }
        return TemplateEncoding.Decode(payload, ref reader, kinds, presentRows, references.ColumnCount, references.Self, references.Column, lender, offsets);
    }

    private static void CheckDictionaryLength(ReadOnlySpan<byte> codes, ReadOnlySpan<ValueKind> kinds, IReadOnlyList<DictEntry> entries)
    {
        long length = 0;
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent)
            {
                length += entries[codes[r]].Bytes.Length;
            }
        }
        if (length > PartFormat.MaxSegmentBytes)
        {
            throw new InvalidDataException("dictionary column decodes to more than the segment limit");
        }
    }

    private static void ExpectEnd(ref SpanReader reader)
    {
        if (!reader.AtEnd)
        {
            throw new InvalidDataException($"{reader.Remaining} bytes left over after the last value");
        }
    }
}
