using Vigie.Core;

namespace Vigie.Storage.Blocks;

/// <summary>
/// The row arrays a <see cref="ColumnarBlockBuilder"/> lends to the blocks of <see cref="ColumnarBlockBuilder.BuildLent"/>:
/// the block's times and each column's kinds and offsets are the builder's own arrays, usually
/// longer than the block's rows (a block's <see cref="ColumnarBlock.RowCount"/> and a column's
/// <see cref="Column.RowCount"/> say how many rows they hold). Given back with the block's value
/// arrays (<see cref="ColumnarBlock.ReturnLentBuffers"/>).
/// </summary>
internal sealed class LentRows
{
    public LentArrays<long> Times { get; } = new();

    public LentArrays<ValueKind> Kinds { get; } = new();

    public LentArrays<int> Offsets { get; } = new();
}
