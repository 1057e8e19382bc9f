using Vigie.Storage.Blocks;

namespace Vigie.Storage.Parts;

/// <summary>
/// One block for <see cref="PartWriter"/> to write: either rows to encode (<see cref="Built"/>), or a
/// block of an open part to copy as stored, without decoding it (<see cref="Source"/>, <see cref="SourceBlock"/>).
/// </summary>
/// <remarks>
/// Copying is what lets a merge skip the decoding and re-encoding of blocks it has nothing to
/// combine with; the copied segments keep their encoding, compression and checksums.
/// </remarks>
internal readonly record struct PartBlock(ColumnarBlock? Built, PartReader? Source, int SourceBlock)
{
    public static PartBlock Of(ColumnarBlock block) => new(block, null, -1);

    public static PartBlock Copy(PartReader source, int block) => new(null, source, block);

    public int RowCount => Built?.RowCount ?? Source!.Blocks[SourceBlock].RowCount;
}
