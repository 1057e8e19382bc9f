using System.Buffers.Binary;
using System.IO.Hashing;

namespace Vigie.Storage.Parts;

/// <summary>The fixed-size tail of a part file: where the index is and the part's totals, under its own checksum.</summary>
internal readonly record struct PartFooter(
    long IndexOffset,
    long IndexStoredLength,
    long IndexRawLength,
    ulong IndexChecksum,
    long RowCount,
    long MinTime,
    long MaxTime,
    int BlockCount)
{
    public void WriteTo(Span<byte> destination)
    {
        var d = destination[..PartFormat.FooterSize];
        BinaryPrimitives.WriteInt64LittleEndian(d[0..], IndexOffset);
        BinaryPrimitives.WriteInt64LittleEndian(d[8..], IndexStoredLength);
        BinaryPrimitives.WriteInt64LittleEndian(d[16..], IndexRawLength);
        BinaryPrimitives.WriteUInt64LittleEndian(d[24..], IndexChecksum);
        BinaryPrimitives.WriteInt64LittleEndian(d[32..], RowCount);
        BinaryPrimitives.WriteInt64LittleEndian(d[40..], MinTime);
        BinaryPrimitives.WriteInt64LittleEndian(d[48..], MaxTime);
        BinaryPrimitives.WriteInt32LittleEndian(d[56..], BlockCount);
        BinaryPrimitives.WriteUInt32LittleEndian(d[60..], PartFormat.Version);
        BinaryPrimitives.WriteUInt64LittleEndian(d[64..], XxHash64.HashToUInt64(d[..PartFormat.FooterChecksummedBytes]));
        BinaryPrimitives.WriteUInt64LittleEndian(d[72..], PartFormat.Magic);
    }

    /// <summary>Parses and checks a footer; null with <paramref name="problem"/> and its offset within the footer when it is damaged.</summary>
    public static PartFooter? TryRead(ReadOnlySpan<byte> footer, out string problem, out int problemOffset)
    {
        if (!TryReadVersion(footer, out var version, out problem, out problemOffset))
        {
            return null;
        }
        if (!PartFormat.IsReadable(version))
        {
            (problem, problemOffset) = ($"footer format version {version}, this reader knows {PartFormat.MinReadableVersion} to {PartFormat.Version}", 60);
            return null;
        }
        return new PartFooter(
            BinaryPrimitives.ReadInt64LittleEndian(footer[0..]),
            BinaryPrimitives.ReadInt64LittleEndian(footer[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(footer[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(footer[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(footer[32..]),
            BinaryPrimitives.ReadInt64LittleEndian(footer[40..]),
            BinaryPrimitives.ReadInt64LittleEndian(footer[48..]),
            BinaryPrimitives.ReadInt32LittleEndian(footer[56..]));
    }

    /// <summary>
    /// The format version an intact footer (magic and checksum right) declares, whether or not this
    /// build reads it; false with <paramref name="problem"/> and its offset when the footer is damaged.
    /// </summary>
    public static bool TryReadVersion(ReadOnlySpan<byte> footer, out uint version, out string problem, out int problemOffset)
    {
        (version, problem, problemOffset) = (0, "", 0);
        if (BinaryPrimitives.ReadUInt64LittleEndian(footer[72..]) != PartFormat.Magic)
        {
            (problem, problemOffset) = ("footer magic missing (truncated or not a part file)", 72);
            return false;
        }
        if (BinaryPrimitives.ReadUInt64LittleEndian(footer[64..]) != XxHash64.HashToUInt64(footer[..PartFormat.FooterChecksummedBytes]))
        {
            (problem, problemOffset) = ("footer checksum mismatch", 0);
            return false;
        }
        version = BinaryPrimitives.ReadUInt32LittleEndian(footer[60..]);
        return true;
    }
}
