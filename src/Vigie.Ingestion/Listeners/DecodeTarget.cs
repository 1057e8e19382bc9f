using Vigie.Core;

namespace Vigie.Ingestion.Listeners;

/// <summary>
/// Where a protocol decoder puts what it reads: events into <see cref="Batch"/>, and a count and the
/// last reason of what it had to refuse. One per connection (or per datagram socket): not thread-safe.
/// </summary>
public sealed class DecodeTarget(StreamFields streams)
{
    public EventBatch Batch { get; set; } = new();

    /// <summary>The stream fields every event is closed with.</summary>
    public StreamFields Streams { get; } = streams;

    /// <summary>The sender's address: the <c>host</c> of events that do not name theirs.</summary>
    public string? RemoteHost { get; set; }

    /// <summary>The time of reception, for events that carry none.</summary>
    public long NowNs { get; set; } = Timestamps.Now();

    /// <summary>Frames or events refused since <see cref="TakeRejections"/>.</summary>
    public int Rejected { get; private set; }

    /// <summary>Why the last one was refused.</summary>
    public string? LastReason { get; private set; }

    public void Reject(string reason, int events = 1)
    {
        Rejected += events;
        LastReason = reason;
    }

    /// <summary>Returns and resets the rejections, for the listener to count and log.</summary>
    public (int Count, string? Reason) TakeRejections()
    {
        var taken = (Rejected, LastReason);
        Rejected = 0;
        LastReason = null;
        return taken;
    }
}
