namespace Vigie.Server;

/// <summary>What <c>vigie serve</c> is told by flags, <c>VIGIE_*</c> environment variables and the config file.</summary>
public sealed record ServerOptions
{
    /// <summary>The data directory (<c>--data</c>, <c>VIGIE_DATA</c>).</summary>
    public string DataDir { get; init; } = "vigie-data";

    /// <summary>Address and port of the HTTP API (<c>--listen</c>, <c>VIGIE_LISTEN</c>).</summary>
    public string Listen { get; init; } = "127.0.0.1:9880";

    /// <summary>Drop day partitions older than this (<c>--retention 30d</c>); null keeps everything.</summary>
    public TimeSpan? Retention { get; init; }

    /// <summary>Drop the oldest day partitions past this many bytes on disk (<c>--max-disk 20GB</c>).</summary>
    public long? MaxDiskBytes { get; init; }

    /// <summary>
    /// Memory the store may hold in events acknowledged but not yet written to parts before appends
    /// wait (<c>--max-unflushed 48MiB</c>, <c>VIGIE_MAX_UNFLUSHED</c>); null keeps the store's default
    /// (<see cref="Storage.Store.StoreOptions.MaxUnflushedBytes"/>).
    /// </summary>
    public long? MaxUnflushedBytes { get; init; }

    /// <summary>Largest accepted ingest request body, after decompression.</summary>
    public long MaxBodyBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// Largest body, after decompression, of an ingest request with an <c>Idempotency-Key</c>: such a
    /// request is held whole in memory to be stored in one piece.
    /// </summary>
    public long MaxKeyedBodyBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest accepted NDJSON line.</summary>
    public int MaxLineBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// The YAML config file (<c>--config</c>, <c>VIGIE_CONFIG</c>): listeners, pipelines; null when none
    /// is given. Flags and environment variables win over it.
    /// </summary>
    public string? ConfigFile { get; init; }

    /// <summary>
    /// API keys (<c>--api-key</c>, <c>VIGIE_API_KEYS</c>, <c>api_keys:</c>): when any is set, ingestion
    /// through <c>/api/v1/ingest</c> and the Seq endpoints needs one of them.
    /// </summary>
    public IReadOnlyList<string> ApiKeys { get; init; } = [];

    /// <summary>The protocol listeners (syslog, GELF, Fluent Forward, OTLP, ...).</summary>
    public ListenerOptions Listeners { get; init; } = new();
}
