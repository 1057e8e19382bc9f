namespace Vigie.Agent.Delivery;

/// <summary>One segment file of the buffer and the durable records it holds, in order.</summary>
internal sealed class SegmentFile(string path, long firstSeq)
{
    public string Path { get; } = path;

    /// <summary>The sequence number in its name: no record in it is older.</summary>
    public long FirstSeq { get; } = firstSeq;

    /// <summary>Bytes of durable records; anything past it is a torn write to be cut.</summary>
    public long Length { get; set; }

    public List<RecordRef> Records { get; } = [];

    public long LastSeq => Records.Count == 0 ? FirstSeq - 1 : Records[^1].Seq;
}
