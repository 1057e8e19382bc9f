using Vigie.Core;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Up to <see cref="Parts.PartFormat.MaxDictionaryValues"/> distinct (kind, bytes) values kept in the
/// part's index, and one byte per present row naming its entry. Queries test the entries without
/// reading the data.
/// </summary>
internal static class DictEncoding
{
    /// <param name="codes">The entry of each present row, in row order, as the picker assigned them.</param>
    public static void Encode(ReadOnlySpan<byte> codes, ByteBuffer payload) => payload.Write(codes);

    /// <summary>The entry of each row (0 where absent), checked against the entries and the kinds.</summary>
    public static byte[] DecodeCodes(ref SpanReader reader, ValueKind[] kinds, int presentRows, IReadOnlyList<DictEntry> entries)
    {
        var codes = new byte[kinds.Length];
        DecodeCodes(ref reader, kinds, presentRows, entries, codes);
        return codes;
    }

    /// <summary>The entry of each row of <paramref name="kinds"/> into <paramref name="codes"/> (0 where absent).</summary>
    public static void DecodeCodes(ref SpanReader reader, ReadOnlySpan<ValueKind> kinds, int presentRows, IReadOnlyList<DictEntry> entries, Span<byte> codes)
    {
        var stored = reader.ReadBytes(presentRows);
        var p = 0;
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent)
            {
                var code = stored[p++];
                if (code >= entries.Count || entries[code].Kind != kinds[r])
                {
                    throw new InvalidDataException($"row {r} names dictionary entry {code} of {entries.Count} with another kind");
                }
                codes[r] = code;
            }
            else
            {
                codes[r] = 0;
            }
        }
    }

    /// <summary>The texts of rows from <see cref="DecodeCodes"/>.</summary>
    public static (int[] Offsets, byte[] Bytes) Format(byte[] codes, ValueKind[] kinds, IReadOnlyList<DictEntry> entries, LentBuffers? lender = null)
    {
        var offsets = new int[kinds.Length + 1];
        return (offsets, Format(codes, kinds, entries, lender, offsets));
    }

    /// <summary>Like the other overload, the offsets written into <paramref name="offsets"/> (one more than the rows).</summary>
    public static byte[] Format(ReadOnlySpan<byte> codes, ReadOnlySpan<ValueKind> kinds, IReadOnlyList<DictEntry> entries, LentBuffers? lender, Span<int> offsets)
    {
        offsets[0] = 0;
        long length = 0;
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent)
            {
                length += entries[codes[r]].Bytes.Length;
            }
            offsets[r + 1] = (int)Math.Min(length, int.MaxValue);
        }
        if (length > Parts.PartFormat.MaxSegmentBytes)
        {
            throw new InvalidDataException("dictionary column decodes to more than the segment limit");
        }
        var bytes = lender?.Rent((int)length) ?? new byte[length];
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent)
            {
                entries[codes[r]].Bytes.CopyTo(bytes.AsSpan(offsets[r]));
            }
        }
        return bytes;
    }
}
