using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Query.Pipes.Stats;

/// <summary><c>count()</c> counts rows; <c>count(f)</c> counts rows where f exists.</summary>
public sealed class CountStat(bool countAllRows) : StatAccumulator
{
    private long _count;

    public override void Add(string? text)
    {
        if (countAllRows || text is not null)
        {
            _count++;
        }
    }

    public override void AddUtf8(ReadOnlySpan<byte> utf8) => _count++;

    public override void AddAbsent(long rows)
    {
        if (countAllRows)
        {
            _count += rows;
        }
    }

    public override void Merge(StatAccumulator other) => _count += ((CountStat)other)._count;

    public override FieldValue Finish() => ResultNumbers.Of(_count);
}
