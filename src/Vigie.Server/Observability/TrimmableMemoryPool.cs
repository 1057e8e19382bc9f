using System.Buffers;
using System.Collections.Concurrent;

namespace Vigie.Server.Observability;

/// <summary>
/// The buffers Kestrel reads requests into and writes responses from: 16 KB blocks, kept for reuse
/// while the server is busy and all let go by <see cref="Trim"/> once it is idle. Kestrel's own pool
/// keeps its blocks in the pinned-object heap and lets them go a few percent every ten seconds,
/// so after an ingest burst several MB of blocks stayed resident for minutes, in a heap that no
/// collection compacts. These blocks are ordinary arrays: on Linux a socket reads into a buffer
/// without pinning it across the wait, and the idle collection that follows a trim compacts them away.
/// </summary>
internal sealed class TrimmableMemoryPool : MemoryPool<byte>
{
    /// <summary>
    /// Kestrel's block size, which is also the most its socket transport receives in one call: with
    /// a page, an ingest of 298 MB of NDJSON took 100,000 <c>recvfrom</c> calls. A connection holds a
    /// block only while data is waiting to be read (the transport waits for data before renting one),
    /// and the idle trim lets them all go.
    /// </summary>
    public const int BlockSize = 16 * 1024;

    private readonly ConcurrentQueue<Block> _free = new();
    private bool _disposed;

    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks waiting for reuse (for tests and diagnostics).</summary>
    public int FreeBlocks => _free.Count;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (minBufferSize > BlockSize)
        {
            // Kestrel never asks for more than MaxBufferSize; anyone else gets an array of their own.
            return new Unpooled(minBufferSize);
        }
        return _free.TryDequeue(out var block) ? block : new Block(this);
    }

    /// <summary>Lets every block not in use go; those in use come back and are kept.</summary>
    public void Trim()
    {
        while (_free.TryDequeue(out _))
        {
        }
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        Trim();
    }

    private void Return(Block block)
    {
        if (!_disposed)
        {
            _free.Enqueue(block);
        }
    }

    private sealed class Block(TrimmableMemoryPool pool) : IMemoryOwner<byte>
    {
        private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(BlockSize);

        public Memory<byte> Memory => _array;

        public void Dispose() => pool.Return(this);
    }

    private sealed class Unpooled(int size) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = new byte[size];

        public void Dispose()
        {
        }
    }
}
