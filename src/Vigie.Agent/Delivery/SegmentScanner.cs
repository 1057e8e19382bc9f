using Microsoft.Extensions.Logging;
using Vigie.Agent.Collection;

namespace Vigie.Agent.Delivery;

/// <summary>
/// Reads a segment back at start-up: indexes every intact record and cuts the file at the first one
/// that is torn (a crash in the middle of a write) or corrupt (its CRC fails), so that later writes
/// never sit behind garbage.
/// </summary>
internal static class SegmentScanner
{
    /// <summary>
    /// Scans <paramref name="segment"/>. Records whose sequence number is not above <paramref name="lastSeq"/>
    /// are skipped: they are copies of records rewritten after a failed write, identical to the ones kept.
    /// </summary>
    /// <returns>The highest sequence number seen so far.</returns>
    public static long Scan(SegmentFile segment, long lastSeq, Action<string, SourcePosition?> apply, ILogger logger)
    {
        using var file = new FileStream(segment.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1);
        var length = file.Length;
        var header = new byte[BufferFormat.HeaderBytes];
        using var payload = new PooledBuffer(64 * 1024);
        long offset = 0;
        string? damage = null;
        var positions = new List<(string, SourcePosition?)>();
        while (offset < length)
        {
            if (length - offset < BufferFormat.HeaderBytes)
            {
                damage = "torn header";
                break;
            }
            RandomAccess.Read(file.SafeFileHandle, header, offset);
            if (!BatchRecord.TryReadHeader(header, out var payloadLength, out var crc, out var seq))
            {
                damage = "not a record header";
                break;
            }
            if (length - offset - BufferFormat.HeaderBytes < payloadLength)
            {
                damage = "torn record";
                break;
            }
            payload.Clear();
            var span = payload.GetSpan(payloadLength)[..payloadLength];
            RandomAccess.Read(file.SafeFileHandle, span, offset + BufferFormat.HeaderBytes);
            if (!BatchRecord.Verify(header, span, crc))
            {
                damage = "CRC mismatch";
                break;
            }
            positions.Clear();
            if (!BatchRecord.TryReadPayload(span, (k, p) => positions.Add((k, p)), out var lines, out _))
            {
                damage = "unreadable positions";
                break;
            }
            var total = BufferFormat.HeaderBytes + payloadLength;
            if (seq > lastSeq)
            {
                foreach (var (key, position) in positions)
                {
                    apply(key, position);
                }
                segment.Records.Add(new RecordRef(seq, segment, offset, total, lines));
                lastSeq = seq;
            }
            offset += total;
        }
        segment.Length = offset;
        if (damage is not null)
        {
            logger.LogWarning("buffer: {Segment}: {Damage} at byte {Offset}; cutting the segment there ({Bytes} bytes dropped: a write the agent never counted as done, or damage on disk)",
                segment.Path, damage, offset, length - offset);
            file.SetLength(offset);
            file.Flush(flushToDisk: true);
        }
        return lastSeq;
    }
}
