namespace Vigie.Storage.Parts;

/// <summary>How <see cref="PartWriter"/> writes a part, and where callers should cut blocks.</summary>
public sealed record PartWriteOptions
{
    /// <summary>
    /// Recommended block size in rows. Big enough that per-block costs (index entry, bloom, zstd
    /// frame) vanish per row; small enough that decoding one block for a rare match stays cheap.
    /// </summary>
    public const int MaxRowsPerBlock = 16 * 1024;

    /// <summary>Recommended block size in value bytes (<see cref="Blocks.ColumnarBlockBuilder.ValueBytes"/>).</summary>
    public const long MaxBlockBytes = 4L * 1024 * 1024;

    public static PartWriteOptions Default { get; } = new();

    /// <summary>Zstd level for segments: 1 suits flushes (speed); merges may spend more (3–9) for smaller parts.</summary>
    public int CompressionLevel { get; init; } = 1;

    /// <summary>Whether to fsync the file before returning; only tests turn it off.</summary>
    public bool Sync { get; init; } = true;
}
