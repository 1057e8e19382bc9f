using System.Buffers;

namespace Vigie.Agent.Delivery;

/// <summary>
/// The pool of the delivery's arrays (a batch's NDJSON, its record, a record read back to send): a
/// few of them, up to a few megabytes each.
/// </summary>
/// <remarks>
/// Not <see cref="ArrayPool{T}.Shared"/>: that one keeps one array per size in every thread that
/// returned one, so megabyte arrays returned on whichever pool thread ran the continuation stay
/// parked per thread, and the agent's memory grew with the number of threads (measured: 45 MB peak
/// with 11 threads, 69 MB with 21, catching up a backlog). This pool has no per-thread copies: at
/// most <see cref="ArraysPerSize"/> arrays of each size, whichever thread returns them.
/// </remarks>
internal static class BufferPool
{
    private const int ArraysPerSize = 4;

    /// <summary>Larger arrays than this are allocated and dropped, not kept.</summary>
    private const int LargestKept = 16 * 1024 * 1024;

    public static ArrayPool<byte> Bytes { get; } = ArrayPool<byte>.Create(LargestKept, ArraysPerSize);
}
