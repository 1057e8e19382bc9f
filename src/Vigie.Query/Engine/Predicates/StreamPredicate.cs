using Vigie.Query.Matching;

namespace Vigie.Query.Engine.Predicates;

/// <summary>A filter on <c>_stream</c>: the stream is constant over a block, so one test decides the whole block.</summary>
public sealed class StreamPredicate(ValueMatcher matcher) : BlockPredicate
{
    public override Prune Prune(BlockContext block) => matcher.Matches(block.Info.Stream.Text) ? Predicates.Prune.All : Predicates.Prune.None;

    public override void Refine(BlockContext block, bool[] mask)
    {
        if (Prune(block) == Predicates.Prune.None)
        {
            Array.Clear(mask);
        }
    }

    public override void CollectColumns(ISet<string> into)
    {
    }
}
