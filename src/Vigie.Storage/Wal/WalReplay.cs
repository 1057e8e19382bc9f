using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Vigie.Core;
using Vigie.Storage.Idempotency;
using Vigie.Core.Io;

namespace Vigie.Storage.Wal;

/// <summary>
/// Reads the WAL back at start-up. A record whose length or CRC does not check out ends the
/// segment: that tail (a write torn by a crash, or damage) is copied to the quarantine directory,
/// reported, and cut off, so the next start does not see it again and never loops on it.
/// </summary>
public static class WalReplay
{
    /// <summary>What replay found.</summary>
    public sealed record Result(long LastSegmentId, long Batches, long Events, int DamagedSegments, long QuarantinedBytes);

    /// <summary>
    /// Replays every segment numbered <paramref name="fromSegment"/> or more, in order, through
    /// <paramref name="onBatch"/>; deletes older segments (their data is in parts, their idempotency
    /// keys in the keys file: both are written before the checkpoint moves past a segment).
    /// </summary>
    public static Result Replay(string walDirectory, long fromSegment, string quarantineDirectory, Action<EventBatch, StoredKey?> onBatch, ILogger logger)
    {
        long last = fromSegment - 1, batches = 0, events = 0, quarantined = 0;
        var damaged = 0;
        foreach (var (id, path) in WriteAheadLog.ListSegments(walDirectory).ToList())
        {
            last = Math.Max(last, id);
            if (id < fromSegment)
            {
                File.Delete(path);
                continue;
            }
            var data = File.ReadAllBytes(path);
            var goodLength = ReadSegment(data, id, onBatch, ref batches, ref events, out var problem);
            if (problem is null)
            {
                continue;
            }
            damaged++;
            quarantined += data.Length - goodLength;
            Directory.CreateDirectory(quarantineDirectory);
            var saved = Path.Combine(quarantineDirectory, $"{Path.GetFileName(path)}.at-{goodLength}.{DateTime.UtcNow:yyyyMMddTHHmmssZ}");
            File.WriteAllBytes(saved, data.AsSpan(goodLength).ToArray());
            using (var f = new FileStream(path, FileMode.Open, FileAccess.Write))
            {
                f.SetLength(goodLength);
                f.Flush(flushToDisk: true);
            }
            DirectorySync.Sync(walDirectory);
            logger.LogWarning("WAL segment {Segment}: {Problem} at byte {Offset}; kept the {Good} bytes before it, moved the {Bad} bytes after it to {Saved}",
                Path.GetFileName(path), problem, goodLength, goodLength, data.Length - goodLength, saved);
        }
        return new Result(last, batches, events, damaged, quarantined);
    }

    /// <summary>Returns the length of the valid prefix; <paramref name="problem"/> says why it stopped early.</summary>
    internal static int ReadSegment(ReadOnlySpan<byte> data, long expectedId, Action<EventBatch, StoredKey?> onBatch, ref long batches, ref long events, out string? problem)
    {
        problem = null;
        if (data.Length < WalFormat.HeaderSize)
        {
            // A crash between create and the header's fsync leaves a short file: nothing was acknowledged from it.
            problem = data.Length == 0 ? null : "segment header is incomplete";
            return 0;
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(data) != WalFormat.Magic)
        {
            problem = "not a WAL segment (bad magic)";
            return 0;
        }
        var version = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
        if (version is not (WalFormat.Version or WalFormat.VersionLayoutBatches or WalFormat.VersionVarintBatches or WalFormat.VersionWithoutKeys))
        {
            problem = $"unsupported WAL version {version}";
            return 0;
        }
        if (BinaryPrimitives.ReadInt64LittleEndian(data[8..]) != expectedId)
        {
            problem = "segment id in the header does not match the file name";
            return 0;
        }
        var pos = WalFormat.HeaderSize;
        while (pos < data.Length)
        {
            if (data.Length - pos < WalFormat.RecordHeaderSize)
            {
                problem = "torn record header";
                return pos;
            }
            var length = BinaryPrimitives.ReadUInt32LittleEndian(data[pos..]);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(data[(pos + 4)..]);
            if (length > WalFormat.MaxRecordBytes || length > data.Length - pos - WalFormat.RecordHeaderSize)
            {
                problem = "torn or damaged record (length beyond the end of the segment)";
                return pos;
            }
            var payload = data.Slice(pos + WalFormat.RecordHeaderSize, (int)length);
            if (EventBatchCodec.Checksum(payload) != crc)
            {
                problem = "record checksum mismatch";
                return pos;
            }
            EventBatch batch;
            StoredKey? key = null;
            try
            {
                var keyBytes = version == WalFormat.VersionWithoutKeys ? 0 : WalKeyCodec.Read(payload, out key);
                batch = version switch
                {
                    WalFormat.Version => EventBatchNarrowCodec.Read(payload[keyBytes..]),
                    WalFormat.VersionLayoutBatches => EventBatchLayoutCodec.Read(payload[keyBytes..]),
                    _ => EventBatchCodec.Read(payload[keyBytes..]),
                };
            }
            catch (Exception e) when (e is InvalidDataException or IndexOutOfRangeException or ArgumentException or FormatException or OverflowException)
            {
                // A record whose checksum holds but whose content does not decode (a stream key that
                // does not parse, among others) is damage all the same: reported, never a crash loop.
                problem = "record does not decode: " + e.Message;
                return pos;
            }
            onBatch(batch, key);
            batches++;
            events += batch.Count;
            pos += WalFormat.RecordHeaderSize + (int)length;
        }
        return pos;
    }
}
