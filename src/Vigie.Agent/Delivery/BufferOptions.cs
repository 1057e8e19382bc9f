namespace Vigie.Agent.Delivery;

/// <summary>Where the buffer lives and how batches are cut.</summary>
public sealed record BufferOptions
{
    public const long DefaultMaxBytes = 512L * 1024 * 1024;

    /// <summary>The buffer's own directory (segments and checkpoint), e.g. <c>DATA/buffer</c>.</summary>
    public required string Directory { get; init; }

    /// <summary>Past this many bytes of segments on disk, the oldest segment is dropped, sent or not.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>A batch is sealed once its NDJSON reaches this size ...</summary>
    public int BatchMaxBytes { get; init; } = 1024 * 1024;

    /// <summary>... or this many lines ...</summary>
    public int BatchMaxLines { get; init; } = 10_000;

    /// <summary>... or when its first line is this old.</summary>
    public TimeSpan BatchMaxAge { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the writer waits before trying again when the disk is full.</summary>
    public TimeSpan DiskFullRetry { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A segment is closed past this size. Small enough that dropping the oldest one past
    /// <see cref="MaxBytes"/> loses a small part of the buffer, large enough to keep files few.
    /// </summary>
    public long SegmentBytes => Math.Clamp(MaxBytes / 16, 256 * 1024, 32L * 1024 * 1024);
}
