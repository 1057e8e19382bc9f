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

    public static (int[] Offsets, byte[] Bytes) Decode(ref SpanReader reader, ValueKind[] kinds, int presentRows, IReadOnlyList<DictEntry> entries)
    {
        var codes = reader.ReadBytes(presentRows);
        var offsets = new int[kinds.Length + 1];
        long length = 0;
        var p = 0;
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent)
            {
                var code = codes[p++];
                if (code >= entries.Count || entries[code].Kind != kinds[r])
                {
                    throw new InvalidDataException($"row {r} names dictionary entry {code} of {entries.Count} with another kind");
                }
                length += entries[code].Bytes.Length;
                if (length > Parts.PartFormat.MaxSegmentBytes)
                {
                    throw new InvalidDataException("dictionary column decodes to more than the segment limit");
                }
            }
            offsets[r + 1] = (int)length;
        }
        var bytes = new byte[length];
        p = 0;
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent)
            {
                entries[codes[p++]].Bytes.CopyTo(bytes.AsSpan(offsets[r]));
            }
        }
        return (offsets, bytes);
    }
}
