using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace Vigie.Server.Observability;

/// <summary>
/// Gives Kestrel (its socket transport and its connections) <see cref="TrimmableMemoryPool"/>s
/// instead of its own pools, so that the idle trim can empty them.
/// </summary>
internal sealed class TrimmableMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    private readonly List<TrimmableMemoryPool> _pools = [];

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null)
    {
        var pool = new TrimmableMemoryPool();
        lock (_pools)
        {
            _pools.Add(pool);
        }
        return pool;
    }

    /// <summary>The pools handed out so far.</summary>
    public IReadOnlyList<TrimmableMemoryPool> Pools
    {
        get
        {
            lock (_pools)
            {
                return [.. _pools];
            }
        }
    }

    /// <summary>Empties every pool handed out (<see cref="TrimmableMemoryPool.Trim"/>).</summary>
    public void TrimAll()
    {
        foreach (var pool in Pools)
        {
            pool.Trim();
        }
    }
}
