namespace Vigie.Agent.Delivery;

/// <summary>Where a durable record is: its segment, byte offset and total length (header included).</summary>
internal sealed record RecordRef(long Seq, SegmentFile Segment, long Offset, int Length, int Lines);
