using Vigie.Core;

namespace Vigie.Query.Pipes.Stats;

/// <summary>
/// The running state of one stats function for one group. Results do not depend on the order of
/// <see cref="Add"/> and <see cref="Merge"/> calls, so the engine may aggregate partitions in parallel.
/// </summary>
public abstract class StatAccumulator
{
    /// <summary>Feeds one row: the text of the function's field, or null when the row lacks it (or for <c>count()</c>).</summary>
    public abstract void Add(string? text);

    /// <summary>Folds in the state of an accumulator of the same function.</summary>
    public abstract void Merge(StatAccumulator other);

    public abstract FieldValue Finish();
}
