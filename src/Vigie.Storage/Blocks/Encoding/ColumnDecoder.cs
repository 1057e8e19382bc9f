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
    public static long[] DecodeTimes(ReadOnlySpan<byte> stored, int rowCount)
    {
        var payload = SegmentEnvelope.Unwrap(stored, out var length);
        try
        {
            var reader = new SpanReader(payload.AsSpan(0, length));
            var times = TimestampCodec.Decode(ref reader, rowCount);
            ExpectEnd(ref reader);
            return times;
        }
        finally
        {
            SegmentEnvelope.Release(payload);
        }
    }

    public static Column Decode(
        string name,
        ColumnEncoding encoding,
        PartFormat.KindsLayout layout,
        ValueKind uniformKind,
        int presentRows,
        IReadOnlyList<DictEntry> entries,
        int rowCount,
        ReadOnlySpan<byte> stored)
    {
        var payload = SegmentEnvelope.Unwrap(stored, out var length);
        try
        {
            var reader = new SpanReader(payload.AsSpan(0, length));
            var kinds = KindsCodec.Decode(ref reader, layout, uniformKind, rowCount, presentRows);
            var (offsets, bytes) = encoding switch
            {
                ColumnEncoding.Const => ConstEncoding.Decode(rowCount, entries.Count == 1 ? entries[0] : throw new InvalidDataException("a constant column needs one value")),
                ColumnEncoding.Dict => DictEncoding.Decode(ref reader, kinds, presentRows, entries),
                ColumnEncoding.Int64 => Int64Encoding.Decode(ref reader, kinds, presentRows),
                ColumnEncoding.Float64 => Float64Encoding.Decode(ref reader, kinds, presentRows),
                ColumnEncoding.Raw => RawEncoding.Decode(ref reader, kinds),
                _ => throw new InvalidDataException($"unknown column encoding {(byte)encoding}"),
            };
            ExpectEnd(ref reader);
            return new Column(name, kinds, offsets, bytes);
        }
        finally
        {
            SegmentEnvelope.Release(payload);
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
