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
        List<byte[]>? rented = null)
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

    private static void CheckDictionaryLength(byte[] codes, ValueKind[] kinds, IReadOnlyList<DictEntry> entries)
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
