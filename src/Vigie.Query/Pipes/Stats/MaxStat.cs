using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Query.Pipes.Stats;

/// <summary><c>max(f)</c> over values that are numbers; null when there are none.</summary>
public sealed class MaxStat : StatAccumulator
{
    private double? _max;

    public override void Add(string? text)
    {
        if (text is not null && NumberText.TryParse(text, out var v) && (_max is null || v > _max))
        {
            _max = v;
        }
    }

    public override void AddUtf8(ReadOnlySpan<byte> utf8)
    {
        if (NumberText.TryParse(utf8, out var v) && (_max is null || v > _max))
        {
            _max = v;
        }
    }

    public override bool NumbersOnly => true;

    public override void AddNumber(double number)
    {
        if (_max is null || number > _max)
        {
            _max = number;
        }
    }

    public override void AddAbsent(long rows)
    {
    }

    public override void Merge(StatAccumulator other)
    {
        if (((MaxStat)other)._max is { } m && (_max is null || m > _max))
        {
            _max = m;
        }
    }

    public override FieldValue Finish() => _max is { } m ? ResultNumbers.Of(m) : ResultNumbers.Null;
}
