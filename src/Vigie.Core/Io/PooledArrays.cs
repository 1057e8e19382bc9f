using System.Buffers;

namespace Vigie.Core.Io;

/// <summary>
/// Empties an array pool of the arrays it keeps. <c>ArrayPool&lt;byte&gt;.Shared</c>, which the
/// store's readers, the merges, the decoders and the libraries rent from, lets go of an array only
/// in a full collection once it has not been used for 30 s (a thread's own) or 60 s (the per-core
/// ones, one per size at a time): after an ingest and its merges an idle server keeps 3–6 MB of
/// them (64 KB to 1 MB each) for minutes. Renting them out and dropping them hands them to the next
/// collection. The pool has no way to say it is empty; a rent that allocates says so: the array it
/// returns is new (and dropped too, so one array of each size is allocated for nothing, each time).
/// </summary>
public static class PooledArrays
{
    /// <summary>More than a pool keeps of one size (the shared pool: 8 per core and one per thread).</summary>
    private const int MaxPerSize = 4096;

    /// <summary>
    /// Rents from <paramref name="pool"/> arrays of every power-of-two length from 16 bytes to
    /// <paramref name="maxLength"/>, each size until a rent allocates, and drops them. Only the calling
    /// thread's own arrays and the pool's shared ones can be reached: other threads' own arrays stay.
    /// Returns the number of kept arrays dropped.
    /// </summary>
    public static int Drain(ArrayPool<byte> pool, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var dropped = 0;
        for (long length = 16; length <= maxLength; length *= 2)
        {
            for (var i = 0; i < MaxPerSize; i++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var array = pool.Rent((int)length);
                if (GC.GetAllocatedBytesForCurrentThread() - before >= array.Length)
                {
                    break;
                }
                dropped++;
            }
        }
        return dropped;
    }
}
