using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Query.Pipes.Stats;

/// <summary><c>avg(f)</c>: the exact sum divided by the count, over values that are numbers; null when there are none.</summary>
public sealed class AvgStat : StatAccumulator
{
    private readonly ExactSum _sum = new();
    private long _count;

    public override void Add(string? text)
    {
        if (text is not null && NumberText.TryParse(text, out var v))
        {
            _sum.Add(v);
            _count++;
        }
    }

    public override void Merge(StatAccumulator other)
    {
        var o = (AvgStat)other;
        _sum.Add(o._sum);
        _count += o._count;
    }

    public override FieldValue Finish() => _count == 0 ? ResultNumbers.Null : ResultNumbers.Of(_sum.Value / _count);
}
