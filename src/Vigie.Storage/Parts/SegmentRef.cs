namespace Vigie.Storage.Parts;

/// <summary>Where one stored segment lies in a part file, and the XxHash64 of its stored bytes.</summary>
internal readonly record struct SegmentRef(long Offset, int Length, ulong Checksum)
{
    public long End => Offset + Length;
}
