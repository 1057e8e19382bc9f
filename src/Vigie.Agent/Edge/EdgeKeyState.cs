using Vigie.Agent.Collection;

namespace Vigie.Agent.Edge;

/// <summary>
/// The entries of one source key (a container's stdout and stderr, a file) not sent yet, in the order
/// they were read. Entries leave only from the front, so the positions the buffer records for the key
/// only ever pass lines that were sent: a line held by a multiline step holds the lines behind it.
/// </summary>
internal sealed class EdgeKeyState
{
    /// <summary>One caller at a time: the source that reads the key, or the timer that ends an open entry.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public Queue<EdgeEntry> Queue { get; } = new();

    /// <summary>The open entry of each origin (stream) of the key.</summary>
    public Dictionary<LineOrigin, EdgeEntry> Open { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>The earliest deadline of <see cref="Open"/>, or <see cref="long.MaxValue"/>: lets the timer pass by quickly.</summary>
    public long NextDeadlineMs { get; set; } = long.MaxValue;
}
