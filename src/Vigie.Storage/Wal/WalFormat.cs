namespace Vigie.Storage.Wal;

/// <summary>On-disk constants of the write-ahead log. Persisted: change only with a version bump.</summary>
internal static class WalFormat
{
    /// <summary>"VWAL" little-endian, first 4 bytes of every segment.</summary>
    public const uint Magic = 0x4C415756;

    /// <summary>
    /// Version 4 writes each record's batch as varint descriptions of its events and fields, then its
    /// values (see <see cref="EventBatchNarrowCodec"/>), after the optional idempotency key of version 2.
    /// </summary>
    public const ushort Version = 4;

    /// <summary>Segments whose batches are their arrays as in memory (<see cref="EventBatchLayoutCodec"/>) after a key. Still read at replay.</summary>
    public const ushort VersionLayoutBatches = 3;

    /// <summary>Segments whose batches are varint-encoded (<see cref="EventBatchCodec"/>) after a key. Still read at replay.</summary>
    public const ushort VersionVarintBatches = 2;

    /// <summary>Segments written before idempotency keys: records hold a batch only. Still read at replay.</summary>
    public const ushort VersionWithoutKeys = 1;

    /// <summary>magic u32, version u16, reserved u16, segment id u64.</summary>
    public const int HeaderSize = 16;

    /// <summary>Every record: payload length u32, CRC-32 of the payload u32, then the payload.</summary>
    public const int RecordHeaderSize = 8;

    /// <summary>A record longer than this is damage, not data.</summary>
    public const int MaxRecordBytes = 512 * 1024 * 1024;

    public const string Extension = ".wal";

    public static string SegmentFileName(long id) => id.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) + Extension;

    public static bool TryParseSegmentId(string fileName, out long id)
    {
        id = 0;
        return fileName.EndsWith(Extension, StringComparison.Ordinal)
            && long.TryParse(fileName.AsSpan(0, fileName.Length - Extension.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out id);
    }
}
