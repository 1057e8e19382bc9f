using Vigie.Storage.Parts;

namespace Vigie.Storage.Store;

/// <summary>
/// Where flushes and merges cut a stream's rows into blocks: the part format's recommendation.
/// Big enough that per-block costs (index entry, bloom, zstd frame) vanish per row; small enough
/// that a query decoding one block for a rare match does not decode much else.
/// </summary>
internal static class BlockCut
{
    public const int MaxRows = PartWriteOptions.MaxRowsPerBlock;
    public const long MaxValueBytes = PartWriteOptions.MaxBlockBytes;
}
