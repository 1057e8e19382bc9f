using Vigie.Core;

namespace Vigie.Query.Engine.Predicates;

/// <summary>The row's time is in [<paramref name="minNs"/>, <paramref name="maxNs"/>].</summary>
public sealed class TimePredicate(long minNs, long maxNs) : BlockPredicate
{
    public long MinNs { get; } = minNs;

    public long MaxNs { get; } = maxNs;

    public override Prune Prune(BlockContext block)
    {
        var info = block.Info;
        if (info.MaxTime < MinNs || info.MinTime > MaxNs)
        {
            return Predicates.Prune.None;
        }
        return info.MinTime >= MinNs && info.MaxTime <= MaxNs ? Predicates.Prune.All : Predicates.Prune.Some;
    }

    public override void Refine(BlockContext block, bool[] mask)
    {
        var times = block.Data!.Times;
        for (var r = 0; r < mask.Length; r++)
        {
            mask[r] &= times[r] >= MinNs && times[r] <= MaxNs;
        }
    }

    public override void CollectColumns(ISet<string> into) => into.Add(FieldNames.Time);
}
