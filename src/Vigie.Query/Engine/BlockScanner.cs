using Vigie.Query.Engine.Predicates;
using Vigie.Storage.Blocks;
using Vigie.Storage.Parts;
using Vigie.Storage.Store;

namespace Vigie.Query.Engine;

/// <summary>Decodes a candidate block and finds its matching rows.</summary>
internal static class BlockScanner
{
    /// <summary>
    /// Returns the decoded block and the mask of matching rows, or null when metadata rules the
    /// block out or its data is damaged (the part is then reported to the store and skipped).
    /// </summary>
    public static (BlockContext Block, bool[] Mask, int Matches)? Scan(LogStore store, ScanPlan plan, BlockRef block, IReadOnlyCollection<string>? columns)
    {
        var context = new BlockContext(block.Part.Reader, block.Block);
        return Scan(store, plan, block, columns, context, Judge(store, plan, block, context));
    }

    /// <summary>
    /// The verdict of the block's metadata on the filter. A bloom filter found damaged is handled as
    /// damaged data is: the part is reported to the store (which sets it aside) and the block skipped.
    /// </summary>
    public static Prune Judge(LogStore store, ScanPlan plan, BlockRef block, BlockContext context)
    {
        try
        {
            return plan.Predicate.Prune(context);
        }
        catch (PartCorruptException e)
        {
            _ = store.ReportDamagedPartAsync(block.Part, e);
            return Prune.None;
        }
    }

    /// <summary>
    /// The same, for a caller that judged the block's metadata already; without <paramref name="withTimes"/>
    /// the block's times are not decoded (neither the filter nor the caller reads them). With a
    /// <paramref name="lender"/>, the block's text values are in arrays rented from it: a block that
    /// matches nothing gives them back here, a matching one is the caller's to give back
    /// (<see cref="Vigie.Storage.Blocks.ColumnarBlock.ReturnLentBuffers"/>) once it no longer reads it.
    /// </summary>
    public static (BlockContext Block, bool[] Mask, int Matches)? Scan(LogStore store, ScanPlan plan, BlockRef block, IReadOnlyCollection<string>? columns, BlockContext context, Prune prune, bool withTimes = true, LentBuffers? lender = null)
    {
        if (prune == Prune.None)
        {
            return null;
        }
        try
        {
            context.Data = block.Part.Reader.ReadBlock(block.Block, columns, withTimes, lender);
        }
        catch (PartCorruptException e)
        {
            _ = store.ReportDamagedPartAsync(block.Part, e);
            return null;
        }
        var mask = new bool[context.Data.RowCount];
        Array.Fill(mask, true);
        if (prune != Prune.All)
        {
            try
            {
                plan.Predicate.Refine(context, mask);
            }
            catch (PartCorruptException e)
            {
                // a column the filter reads itself (left out of the decoded block) is damaged
                context.Data.ReturnLentBuffers();
                _ = store.ReportDamagedPartAsync(block.Part, e);
                return null;
            }
        }
        var matches = 0;
        foreach (var m in mask)
        {
            matches += m ? 1 : 0;
        }
        if (matches == 0)
        {
            context.Data.ReturnLentBuffers();
            return null;
        }
        return (context, mask, matches);
    }
}
