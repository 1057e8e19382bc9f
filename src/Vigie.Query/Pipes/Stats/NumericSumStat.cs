using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Query.Pipes.Stats;

/// <summary>The exact sum and count of the values that are numbers: the state of <c>sum</c> and <c>avg</c>.</summary>
public abstract class NumericSumStat : StatAccumulator
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

    public override void AddUtf8(ReadOnlySpan<byte> utf8)
    {
        if (NumberText.TryParse(utf8, out var v))
        {
            _sum.Add(v);
            _count++;
        }
    }

    public override bool NumbersOnly => true;

    public override void AddNumber(double number)
    {
        _sum.Add(number);
        _count++;
    }

    public override void AddAbsent(long rows)
    {
    }

    public override void Merge(StatAccumulator other)
    {
        var o = (NumericSumStat)other;
        _sum.Add(o._sum);
        _count += o._count;
    }

    public override FieldValue Finish() => _count == 0 ? ResultNumbers.Null : ResultNumbers.Of(Result(_sum.Value, _count));

    protected abstract double Result(double sum, long count);
}
