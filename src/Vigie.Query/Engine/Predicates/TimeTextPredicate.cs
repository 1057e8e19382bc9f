using Vigie.Core;
using Vigie.Query.Matching;

namespace Vigie.Query.Engine.Predicates;

/// <summary>A text filter on <c>_time</c> (e.g. a regex over its RFC 3339 form): rare, so plainly per row.</summary>
public sealed class TimeTextPredicate(ValueMatcher matcher) : BlockPredicate
{
    public override Prune Prune(BlockContext block) => Predicates.Prune.Some;

    public override void Refine(BlockContext block, bool[] mask)
    {
        var times = block.Data!.Times;
        for (var r = 0; r < mask.Length; r++)
        {
            mask[r] &= matcher.Matches(Timestamps.FormatRfc3339(times[r]));
        }
    }

    public override void CollectColumns(ISet<string> into) => into.Add(FieldNames.Time);
}
