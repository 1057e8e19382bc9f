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

    /// <summary>
    /// Feeds one present value as UTF-8, as blocks hold it; the same as <see cref="Add"/> of its
    /// text. Functions that only need numbers override it to parse the bytes without a string.
    /// </summary>
    public virtual void AddUtf8(ReadOnlySpan<byte> utf8) => Add(System.Text.Encoding.UTF8.GetString(utf8));

    /// <summary>
    /// Whether the function reads numbers only (a value that is not a number does not count), so that
    /// a column stored as numbers can feed it through <see cref="AddNumber"/> without any text.
    /// </summary>
    public virtual bool NumbersOnly => false;

    /// <summary>
    /// Feeds one present value that is the finite number <paramref name="number"/> (its text parses to it);
    /// called only when <see cref="NumbersOnly"/>.
    /// </summary>
    public virtual void AddNumber(double number) => throw new NotSupportedException($"{GetType().Name} does not take numbers alone");

    /// <summary>Feeds several present finite numbers at once, as many <see cref="AddNumber"/> calls; only when <see cref="NumbersOnly"/>.</summary>
    public virtual void AddNumbers(ReadOnlySpan<double> numbers)
    {
        foreach (var n in numbers)
        {
            AddNumber(n);
        }
    }

    /// <summary>Feeds <paramref name="rows"/> rows that lack the field (or rows of <c>count()</c>): as many <see cref="Add"/>(null).</summary>
    public virtual void AddAbsent(long rows)
    {
        for (long i = 0; i < rows; i++)
        {
            Add(null);
        }
    }

    /// <summary>Folds in the state of an accumulator of the same function.</summary>
    public abstract void Merge(StatAccumulator other);

    public abstract FieldValue Finish();
}
