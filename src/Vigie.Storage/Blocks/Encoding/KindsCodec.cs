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
        if (layout == PartFormat.KindsLayout.Uniform)
        {
            if (presentRows != rowCount)
            {
                throw new InvalidDataException($"uniform kinds but {presentRows} of {rowCount} rows present");
            }
            kinds.AsSpan().Fill(uniformKind);
            return kinds;
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
        return kinds;
    }
}
