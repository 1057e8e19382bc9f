using Vigie.Core;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Any bytes: the lengths of the present rows as varints, then their bytes back to back. Keeping
/// lengths apart from text lets zstd model each stream on its own.
/// </summary>
internal static class RawEncoding
{
    public static void Encode(Column column, ByteBuffer payload)
    {
        var kinds = column.Kinds;
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent)
            {
                payload.WriteVarint((ulong)(column.Offsets[r + 1] - column.Offsets[r]));
            }
        }
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent)
            {
                payload.Write(column.GetValue(r));
            }
        }
    }

    public static (int[] Offsets, byte[] Bytes) Decode(ref SpanReader reader, ValueKind[] kinds)
    {
        var offsets = new int[kinds.Length + 1];
        long total = 0;
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent)
            {
                total += reader.ReadCount(reader.Remaining);
                if (total > reader.Remaining)
                {
                    throw new InvalidDataException($"value lengths add up to {total} bytes, {reader.Remaining} left");
                }
            }
            offsets[r + 1] = (int)total;
        }
        var bytes = reader.ReadBytes((int)total).ToArray();
        return (offsets, bytes);
    }
}
