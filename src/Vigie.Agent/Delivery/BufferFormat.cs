namespace Vigie.Agent.Delivery;

/// <summary>
/// The on-disk names and constants of the buffer, in one place. A change to any layout needs a new magic.
/// </summary>
/// <remarks>
/// <para>A segment (<c>buffer/&lt;first seq, 20 digits&gt;.seg</c>) is a sequence of records, appended only:</para>
/// <code>
/// header (20 bytes, little-endian)
///   u32 magic "VGB1"
///   u32 payload length
///   u32 CRC-32 of the sequence number and the payload
///   u64 sequence number (strictly increasing over the life of the data directory)
/// payload
///   u32 line count
///   u16 position count, then per position:
///     u8 kind (1 = set, 2 = forget), u16 key length, key (UTF-8),
///     when set: i64 offset, i64 count, i32 cursor length (-1 for none), cursor (UTF-8)
///   the batch's NDJSON, gzip'd: exactly the body of the ingest request
/// </code>
/// <para>The checkpoint (<c>buffer/checkpoint</c>) is one record-like blob: magic "VGC1", u32 length,
/// u32 CRC-32, then u64 acknowledged sequence number, u32 position count and the positions as above.</para>
/// </remarks>
internal static class BufferFormat
{
    public const uint RecordMagic = 0x31424756; // "VGB1"
    public const uint CheckpointMagic = 0x31434756; // "VGC1"
    public const int HeaderBytes = 20;

    /// <summary>Larger payloads are taken for garbage: a batch is bounded to about a megabyte before compression.</summary>
    public const int MaxPayloadBytes = 256 * 1024 * 1024;

    public const byte PositionSet = 1;
    public const byte PositionForget = 2;

    public const string SegmentExtension = ".seg";
    public const string CheckpointFile = "checkpoint";
    public const string BufferDirectory = "buffer";
    public const string AgentIdFile = "agent-id";

    public static string SegmentName(long firstSeq) => firstSeq.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) + SegmentExtension;

    public static bool TryParseSegmentName(string fileName, out long firstSeq)
    {
        firstSeq = 0;
        return fileName.EndsWith(SegmentExtension, StringComparison.Ordinal)
            && fileName.Length == 20 + SegmentExtension.Length
            && long.TryParse(fileName.AsSpan(0, 20), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out firstSeq);
    }
}
