using Vigie.Storage.Parts;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Every row present with one kind and the same bytes: the value is stored once, in the part's
/// index, and the data segment is empty. Stream fields are the typical case.
/// </summary>
internal static class ConstEncoding
{
    public static (int[] Offsets, byte[] Bytes) Decode(int rowCount, DictEntry value, LentBuffers? lender = null)
    {
        var offsets = new int[rowCount + 1];
        return (offsets, Decode(rowCount, value, lender, offsets));
    }

    /// <summary>Like the other overload, the offsets written into <paramref name="offsets"/> (one more than the rows).</summary>
    public static byte[] Decode(int rowCount, DictEntry value, LentBuffers? lender, Span<int> offsets)
    {
        var width = value.Bytes.Length;
        if ((long)width * rowCount > PartFormat.MaxSegmentBytes)
        {
            throw new InvalidDataException("constant column decodes to more than the segment limit");
        }
        offsets[0] = 0;
        var bytes = lender?.Rent(width * rowCount) ?? new byte[width * rowCount];
        for (var r = 0; r < rowCount; r++)
        {
            value.Bytes.CopyTo(bytes.AsSpan(r * width));
            offsets[r + 1] = (r + 1) * width;
        }
        return bytes;
    }
}
