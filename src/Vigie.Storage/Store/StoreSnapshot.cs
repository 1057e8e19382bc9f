namespace Vigie.Storage.Store;

/// <summary>
/// A consistent set of parts for one query: parts published after it was taken are not in it, and
/// the parts in it stay readable until it is disposed, whatever merges and retention do meanwhile.
/// </summary>
public sealed class StoreSnapshot : IDisposable
{
    private int _disposed;

    internal StoreSnapshot(IReadOnlyList<PartHandle> parts) => Parts = parts;

    /// <summary>The parts, oldest data first (by partition, then part id).</summary>
    public IReadOnlyList<PartHandle> Parts { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            foreach (var p in Parts)
            {
                p.Release();
            }
        }
    }
}
