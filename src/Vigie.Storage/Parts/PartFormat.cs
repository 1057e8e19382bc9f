namespace Vigie.Storage.Parts;

/// <summary>
/// Every constant of the part file format (see docs/storage-format.md), in one place. Changing any
/// value here changes the bytes on disk: bump <see cref="Version"/> and keep reading the old one.
/// The golden test freezes them. <see cref="Blocks.Encodings.ColumnEncoding"/> is the one persisted
/// enum kept next to the encoders.
/// </summary>
public static class PartFormat
{
    /// <summary>"VIGIEPRT" read as a little-endian 64-bit integer; opens the header and closes the footer.</summary>
    public const ulong Magic = 0x5452504549474956;

    /// <summary>
    /// The version this build writes. 2 added <see cref="TimesEncoding.Packed"/> and the Ipv4, Decimal and PackedInt64 column
    /// encodings; 3 the Template column encoding.
    /// </summary>
    public const uint Version = 3;

    /// <summary>The oldest version this build reads: version 1 and 2 parts differ only by not using what later versions added.</summary>
    public const uint MinReadableVersion = 1;

    /// <summary>Whether this build reads parts of <paramref name="version"/>.</summary>
    public static bool IsReadable(uint version) => version is >= MinReadableVersion and <= Version;

    /// <summary>Magic (8), version (4), reserved zero (4).</summary>
    public const int HeaderSize = 16;

    /// <summary>
    /// Index offset (8), index stored length (8), index raw length (8), index checksum (8), row count (8),
    /// min time (8), max time (8), block count (4), version (4), footer checksum (8), magic (8).
    /// </summary>
    public const int FooterSize = 80;

    /// <summary>Bytes of the footer covered by its own checksum (everything before it).</summary>
    public const int FooterChecksummedBytes = 64;

    /// <summary>Limits a reader enforces on what it decodes, so that damaged counts cannot exhaust memory.</summary>
    public const int MaxRowsPerBlock = 1 << 24;

    public const int MaxColumnsPerBlock = 1 << 16;

    public const int MaxSegmentBytes = 1 << 30;

    public const int MaxDictionaryValues = 256;

    /// <summary>Segments shorter than this are stored uncompressed: zstd framing would cost more than it saves.</summary>
    public const int MinCompressBytes = 64;

    public const int BloomBitsPerToken = 12;

    public const int BloomMaxHashCount = 24;

    /// <summary>The first byte of a non-empty segment.</summary>
    public enum SegmentCodec : byte
    {
        None = 0,

        /// <summary>Followed by the raw length as a varint and one zstd frame.</summary>
        Zstd = 1,
    }

    /// <summary>How a column stores the kind of each row.</summary>
    public enum KindsLayout : byte
    {
        /// <summary>Every row present with one kind, stored in the index; nothing per row.</summary>
        Uniform = 0,

        /// <summary>One byte per row (its <see cref="Core.ValueKind"/>, 0 for absent) opens the data payload.</summary>
        PerRow = 1,
    }

    public enum TimesEncoding : byte
    {
        /// <summary>First time, first delta, then deltas of deltas: zigzag varints.</summary>
        DeltaOfDelta = 1,

        /// <summary>A mode byte, then delta-of-delta varints or bit-packed deltas (see <see cref="Blocks.Encodings.PackedTimes"/>); since version 2.</summary>
        Packed = 2,
    }

    [Flags]
    public enum ColumnFlags : byte
    {
        None = 0,
        NumberRange = 1,
        Bloom = 2,
    }
}
