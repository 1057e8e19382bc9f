namespace Vigie.Query.Engine.Predicates;

/// <summary>
/// A filter compiled for blocks: first judged on block metadata (<see cref="Prune"/>), then on the
/// decoded rows (<see cref="Refine"/>). Immutable and shared by the query's workers, so an
/// implementation keeps no per-block state of its own.
/// </summary>
public abstract class BlockPredicate
{
    /// <summary>Judges the block from its metadata only (time range, constants, dictionaries, blooms, min/max).</summary>
    public abstract Prune Prune(BlockContext block);

    /// <summary>
    /// <see cref="Prune"/> without anything that reads the file (bloom filters): what the part's index
    /// alone says. It may answer <see cref="Predicates.Prune.Some"/> where <see cref="Prune"/> answers
    /// None, never otherwise: an AND asks it of every operand first, so that a block another
    /// operand rules out from the index (a stream field) costs no bloom filter read.
    /// </summary>
    public virtual Prune PruneFromIndex(BlockContext block) => Prune(block);

    /// <summary>Clears <paramref name="mask"/>[r] for each row r that does not match; rows already clear stay clear.</summary>
    public abstract void Refine(BlockContext block, bool[] mask);

    /// <summary>The columns <see cref="Refine"/> reads.</summary>
    public abstract void CollectColumns(ISet<string> into);

    /// <summary>
    /// The columns <see cref="Refine"/> needs decoded with the block; the others of
    /// <see cref="CollectColumns"/> it can judge when a scan leaves them out (reading them itself if it must).
    /// </summary>
    public virtual void CollectDecodedColumns(ISet<string> into) => CollectColumns(into);
}
