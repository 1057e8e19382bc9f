namespace Vigie.Ingestion.Service;

/// <summary>Counters of one listener (e.g. <c>syslog-tcp</c>), updated with interlocked operations.</summary>
public sealed class ListenerCounters
{
    /// <summary>Events durably stored.</summary>
    public long Accepted;

    /// <summary>Events or frames refused because they could not be decoded.</summary>
    public long Rejected;

    /// <summary>Events lost without the sender being told: UDP datagrams that could not be stored.</summary>
    public long Dropped;

    /// <summary>Bytes received on the wire (before decompression).</summary>
    public long Bytes;

    /// <summary>Connections (or HTTP requests) accepted since start.</summary>
    public long Connections;

    /// <summary>Connections open now.</summary>
    public long OpenConnections;

    /// <summary>Requests whose idempotency key was already stored: answered, nothing stored.</summary>
    public long Duplicates;

    /// <summary>Requests refused because they lacked a valid API key.</summary>
    public long Unauthorized;
}
