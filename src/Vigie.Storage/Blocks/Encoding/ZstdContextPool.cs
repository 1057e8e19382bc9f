namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// The system libzstd's contexts, lent for one call at a time and kept between calls, instead of
/// one per thread for the thread's lifetime.
/// </summary>
/// <remarks>
/// A context with its workspace is about 1 MB of the C library's heap. Kept per thread, an ingest's
/// or a query's burst of pool threads left one or two each, freed only when the thread retired and
/// a collection found it gone: several MB held by a server at rest. Lent per call, there are only as
/// many as calls run at once, and the ones left unused for a second are freed (a timer, as for the
/// encoders), before the idle trim gives the C library's free memory back to the system.
/// </remarks>
internal static class ZstdContextPool
{
    /// <summary>Kept free per kind: as many as a flush, a merge and queries on every core use at once.</summary>
    private static readonly int MaxFree = 2 * Math.Max(1, Environment.ProcessorCount);

    private static readonly ScratchPool<NativeZstd.CompressionContext> s_compressors = new(static () => new NativeZstd.CompressionContext(), MaxFree);
    private static readonly ScratchPool<NativeZstd.DecompressionContext> s_decompressors = new(static () => new NativeZstd.DecompressionContext(), MaxFree);

    // Never disposed: the pools live as long as the process.
    private static readonly Timer s_trimTimer = new(static _ => TrimIfUnused(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    public static NativeZstd.CompressionContext RentCompressor() => s_compressors.Rent();

    public static void Return(NativeZstd.CompressionContext context) => s_compressors.Return(context);

    public static NativeZstd.DecompressionContext RentDecompressor() => s_decompressors.Rent();

    public static void Return(NativeZstd.DecompressionContext context) => s_decompressors.Return(context);

    /// <summary>Frees the kept contexts of a pool that lent none since the last call.</summary>
    public static void TrimIfUnused()
    {
        GC.KeepAlive(s_trimTimer);
        s_compressors.TrimIfUnused();
        s_decompressors.TrimIfUnused();
    }
}
