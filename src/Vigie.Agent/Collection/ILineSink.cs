namespace Vigie.Agent.Collection;

/// <summary>
/// Where sources put what they read: the agent's disk buffer in production, a recording list in a
/// source's unit tests.
/// </summary>
public interface ILineSink
{
    /// <summary>
    /// Takes one line. The message's memory may be reused by the source as soon as this returns or
    /// its task completes: the sink copies what it keeps. Once the line is durable in the buffer, the
    /// line's <see cref="CollectedLine.After"/> is the position a restarted agent gets back from
    /// <see cref="IPositionBook"/> for its origin's source key. May wait when the buffer's writer is behind.
    /// </summary>
    ValueTask AppendAsync(CollectedLine line, CancellationToken cancellationToken);
}
