using Vigie.Core;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Per-row kinds: nothing at all when every row is present with one kind (the kind goes to the
/// index), else one byte per row at the head of the column's payload.
/// </summary>
internal static class KindsCodec
{
    public static void Encode(ReadOnlySpan<ValueKind> kinds, ByteBuffer payload)
    {
        var span = payload.GetSpan(kinds.Length);
        for (var i = 0; i < kinds.Length; i++)
        {
            span[i] = (byte)kinds[i];
        }
        payload.Advance(kinds.Length);
    }

    public static ValueKind[] Decode(ref SpanReader reader, PartFormat.KindsLayout layout, ValueKind uniformKind, int rowCount, int presentRows)
    {
        var kinds = new ValueKind[rowCount];
        Decode(ref reader, layout, uniformKind, kinds, presentRows);
        return kinds;
    }

    /// <summary>The kinds of <paramref name="kinds"/>.Length rows, into a caller's buffer.</summary>
    public static void Decode(ref SpanReader reader, PartFormat.KindsLayout layout, ValueKind uniformKind, Span<ValueKind> kinds, int presentRows)
    {
        var rowCount = kinds.Length;
        if (layout == PartFormat.KindsLayout.Uniform)
        {
            if (presentRows != rowCount)
            {
                throw new InvalidDataException($"uniform kinds but {presentRows} of {rowCount} rows present");
            }
            kinds.Fill(uniformKind);
            return;
        }
        var bytes = reader.ReadBytes(rowCount);
        var present = 0;
        for (var i = 0; i < rowCount; i++)
        {
            var k = bytes[i];
            if (k > (byte)ValueKind.Json)
            {
                throw new InvalidDataException($"unknown value kind {k} in row {i}");
            }
            kinds[i] = (ValueKind)k;
            present += k != 0 ? 1 : 0;
        }
        if (present != presentRows)
        {
            throw new InvalidDataException($"kinds mark {present} rows present, the index {presentRows}");
        }
    }
}
