namespace Vigie.Agent.Collection;

/// <summary>
/// The positions kept with the buffered lines: a source asks where it stopped before it starts reading,
/// and says when a source is gone for good so its entry does not grow forever.
/// </summary>
public interface IPositionBook
{
    /// <summary>The position after the last line of <paramref name="sourceKey"/> that reached the buffer, if any.</summary>
    bool TryGet(string sourceKey, out SourcePosition position);

    /// <summary>Forgets a source that will not come back (a removed container, a deleted file).</summary>
    void Forget(string sourceKey);

    /// <summary>
    /// The source keys with a position that start with <paramref name="prefix"/> (<c>docker:</c>), so that
    /// a source can forget those whose source went away while the agent was not running.
    /// </summary>
    IReadOnlyList<string> SourceKeys(string prefix) => [];
}
