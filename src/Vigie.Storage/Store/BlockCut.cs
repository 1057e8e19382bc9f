namespace Vigie.Storage.Store;

/// <summary>
/// Where flushes and merges cut a stream's rows into blocks. Big enough that per-block costs
/// (index entry, bloom, zstd frame) vanish per row; small enough that a query decoding one block
/// for a rare match does not decode much else.
/// </summary>
internal static class BlockCut
{
    public const int MaxRows = 16 * 1024;
    public const long MaxValueBytes = 4L * 1024 * 1024;
}
