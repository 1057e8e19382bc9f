namespace Vigie.Ingestion;

/// <summary>Bounds one ingest request must respect; the server takes them from its options.</summary>
public sealed record NdjsonLimits
{
    /// <summary>Largest body accepted, counted after decompression so that a small gzip bomb cannot get through.</summary>
    public long MaxBodyBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Largest line accepted, without its line ending; a longer line is rejected on its own.</summary>
    public int MaxLineBytes { get; init; } = 1024 * 1024;

    /// <summary>How many line errors the result lists; past it only <see cref="IngestResult.Rejected"/> grows.</summary>
    public int MaxErrors { get; init; } = 100;

    /// <summary>The batch is handed to the flush handler once it holds this many events...</summary>
    public int FlushEvents { get; init; } = 64 * 1024;

    /// <summary>...or this many bytes of values, whichever comes first.</summary>
    public int FlushValueBytes { get; init; } = 16 * 1024 * 1024;
}
