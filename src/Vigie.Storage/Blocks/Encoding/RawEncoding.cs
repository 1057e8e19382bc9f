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
        // The column's rows only: its arrays may be lent, longer than its rows.
        var kinds = column.RowKinds;
        var offsets = column.Offsets;
        var absentAreEmpty = true;
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent)
            {
                payload.WriteVarint((ulong)(offsets[r + 1] - offsets[r]));
            }
            else
            {
                absentAreEmpty &= offsets[r + 1] == offsets[r];
            }
        }
        if (absentAreEmpty)
        {
            // Each row's range starts where the previous one ends, so the present values back to back
            // are one run of the column's bytes: one copy.
            payload.Write(column.Bytes.AsSpan(offsets[0], offsets[kinds.Length] - offsets[0]));
            return;
        }
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent)
            {
                payload.Write(column.GetValue(r));
            }
        }
    }

    /// <summary>
    /// Decodes the values; their bytes go into an array from <paramref name="lender"/> when given (which
    /// may be longer than the values), else into one of their own.
    /// </summary>
    public static (int[] Offsets, byte[] Bytes) Decode(ref SpanReader reader, ValueKind[] kinds, LentBuffers? lender = null)
    {
        var offsets = new int[kinds.Length + 1];
        return (offsets, Decode(ref reader, kinds, lender, offsets));
    }

    /// <summary>Like the other overload, the offsets written into <paramref name="offsets"/> (one more than the rows).</summary>
    public static byte[] Decode(ref SpanReader reader, ReadOnlySpan<ValueKind> kinds, LentBuffers? lender, Span<int> offsets)
    {
        offsets[0] = 0;
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
        return LentBuffers.CopyOut(reader.ReadBytes((int)total), lender);
    }
}
