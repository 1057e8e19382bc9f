namespace Vigie.Agent.Delivery;

/// <summary>
/// Counters of the buffer and the shipper, updated with <see cref="Interlocked"/> and rendered in the
/// agent's <c>/metrics</c>. Gauges (lines and bytes waiting) are read from the buffer itself.
/// </summary>
public sealed class DeliveryMetrics
{
    /// <summary>Lines lost because the buffer went past its size bound before they were sent.</summary>
    public long DroppedLines;

    /// <summary>Batches lost the same way.</summary>
    public long DroppedBatches;

    /// <summary>Batches the server took (2xx), duplicates included.</summary>
    public long BatchesSent;

    /// <summary>Lines in those batches.</summary>
    public long LinesSent;

    /// <summary>Batches the server said it had already stored (a retry after a lost answer).</summary>
    public long DuplicateBatches;

    /// <summary>Attempts to send that failed and will be tried again.</summary>
    public long Retries;

    /// <summary>Lines the server refused (bad lines); their batch is done.</summary>
    public long RejectedLines;

    /// <summary>Times the writer found the disk full (or another write error) and waited.</summary>
    public long WriteErrors;

    /// <summary>Unix time in milliseconds of the last 2xx, 0 before the first.</summary>
    public long LastSendUnixMs;
}
