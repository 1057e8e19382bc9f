namespace Vigie.Storage.Store;

/// <summary>The scratch pools of flushes and merges, trimmed every second when unused.</summary>
internal static class ScratchPools
{
    /// <summary>One flush runs at a time per store; a merge runs beside it.</summary>
    public static ScratchPool<FlushScratch> Flush { get; } = new(static () => new FlushScratch(), Math.Max(1, Environment.ProcessorCount));

    public static ScratchPool<Blocks.ColumnarBlockBuilder> Merge { get; } = new(static () => new Blocks.ColumnarBlockBuilder(), Math.Max(1, Environment.ProcessorCount));

    /// <summary>Held here since a timer nothing references is collected and stops.</summary>
    private static readonly Timer s_trimTimer = new(static _ =>
    {
        Flush.TrimIfUnused();
        Merge.TrimIfUnused();
    }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
}
