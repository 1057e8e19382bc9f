namespace Vigie.Storage.Parts;

/// <summary>What <see cref="PartWriter.Write"/> wrote: for the manifest and metrics.</summary>
/// <param name="Rows">Rows in all blocks.</param>
/// <param name="Blocks">Blocks written.</param>
/// <param name="MinTime">Earliest time of any row; 0 for an empty part.</param>
/// <param name="MaxTime">Latest time of any row; 0 for an empty part.</param>
/// <param name="FileBytes">Size of the file.</param>
/// <param name="ValueBytes">Bytes of the values before encoding and compression (absent rows count nothing); a block
/// copied as stored by a merge counts its stored bytes, since its values were not decoded.</param>
public sealed record PartSummary(long Rows, int Blocks, long MinTime, long MaxTime, long FileBytes, long ValueBytes)
{
    /// <summary>
    /// The index written, as reading it back from the file gives it: handed to the new part's reader
    /// (<see cref="PartReader.OpenWritten"/>) instead of reading the file back.
    /// </summary>
    internal IReadOnlyList<BlockInfo> Index { get; init; } = [];
}
