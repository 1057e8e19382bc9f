using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Query.Pipes.Stats;

/// <summary><c>count_distinct(f)</c>: distinct texts (ordinal, so <c>500</c> and <c>500.0</c> differ) where f exists.</summary>
public sealed class CountDistinctStat : StatAccumulator
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public override void Add(string? text)
    {
        if (text is not null)
        {
            _seen.Add(text);
        }
    }

    public override void Merge(StatAccumulator other) => _seen.UnionWith(((CountDistinctStat)other)._seen);

    public override FieldValue Finish() => ResultNumbers.Of(_seen.Count);
}
