namespace Vigie.Query.Engine.Predicates;

/// <summary>Matches every row (<c>*</c>).</summary>
public sealed class AllPredicate : BlockPredicate
{
    public static readonly AllPredicate Instance = new();

    public override Prune Prune(BlockContext block) => Predicates.Prune.All;

    public override void Refine(BlockContext block, bool[] mask)
    {
    }

    public override void CollectColumns(ISet<string> into)
    {
    }
}

public sealed class AndPredicate(IReadOnlyList<BlockPredicate> operands) : BlockPredicate
{
    public override Prune Prune(BlockContext block)
    {
        foreach (var o in operands)
        {
            if (o.PruneFromIndex(block) == Predicates.Prune.None)
            {
                return Predicates.Prune.None;
            }
        }
        var all = true;
        foreach (var o in operands)
        {
            var p = o.Prune(block);
            if (p == Predicates.Prune.None)
            {
                return Predicates.Prune.None;
            }
            all &= p == Predicates.Prune.All;
        }
        return all ? Predicates.Prune.All : Predicates.Prune.Some;
    }

    public override Prune PruneFromIndex(BlockContext block)
    {
        var all = true;
        foreach (var o in operands)
        {
            var p = o.PruneFromIndex(block);
            if (p == Predicates.Prune.None)
            {
                return Predicates.Prune.None;
            }
            all &= p == Predicates.Prune.All;
        }
        return all ? Predicates.Prune.All : Predicates.Prune.Some;
    }

    public override void Refine(BlockContext block, bool[] mask)
    {
        foreach (var o in operands)
        {
            // what the index says suffices to know an operand holds for every row (no bloom filter read again)
            if (o.PruneFromIndex(block) != Predicates.Prune.All)
            {
                o.Refine(block, mask);
            }
        }
    }

    public override void CollectColumns(ISet<string> into)
    {
        foreach (var o in operands)
        {
            o.CollectColumns(into);
        }
    }

    public override void CollectDecodedColumns(ISet<string> into)
    {
        foreach (var o in operands)
        {
            o.CollectDecodedColumns(into);
        }
    }
}

public sealed class OrPredicate(IReadOnlyList<BlockPredicate> operands) : BlockPredicate
{
    public override Prune Prune(BlockContext block)
    {
        var none = true;
        foreach (var o in operands)
        {
            var p = o.Prune(block);
            if (p == Predicates.Prune.All)
            {
                return Predicates.Prune.All;
            }
            none &= p == Predicates.Prune.None;
        }
        return none ? Predicates.Prune.None : Predicates.Prune.Some;
    }

    public override void Refine(BlockContext block, bool[] mask)
    {
        var result = new bool[mask.Length];
        var trial = new bool[mask.Length];
        foreach (var o in operands)
        {
            if (o.Prune(block) == Predicates.Prune.None)
            {
                continue;
            }
            mask.CopyTo(trial, 0);
            for (var r = 0; r < trial.Length; r++)
            {
                // rows already matched by an earlier operand need no more tests
                trial[r] &= !result[r];
            }
            o.Refine(block, trial);
            for (var r = 0; r < trial.Length; r++)
            {
                result[r] |= trial[r];
            }
        }
        result.CopyTo(mask, 0);
    }

    public override void CollectColumns(ISet<string> into)
    {
        foreach (var o in operands)
        {
            o.CollectColumns(into);
        }
    }

    public override void CollectDecodedColumns(ISet<string> into)
    {
        foreach (var o in operands)
        {
            o.CollectDecodedColumns(into);
        }
    }
}

public sealed class NotPredicate(BlockPredicate operand) : BlockPredicate
{
    public override Prune Prune(BlockContext block) => operand.Prune(block) switch
    {
        Predicates.Prune.None => Predicates.Prune.All,
        Predicates.Prune.All => Predicates.Prune.None,
        _ => Predicates.Prune.Some,
    };

    public override void Refine(BlockContext block, bool[] mask)
    {
        var inner = (bool[])mask.Clone();
        operand.Refine(block, inner);
        for (var r = 0; r < mask.Length; r++)
        {
            mask[r] &= !inner[r];
        }
    }

    public override void CollectColumns(ISet<string> into) => operand.CollectColumns(into);

    public override void CollectDecodedColumns(ISet<string> into) => operand.CollectDecodedColumns(into);
}
