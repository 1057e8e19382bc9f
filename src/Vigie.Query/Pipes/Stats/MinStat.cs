using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Query.Pipes.Stats;

/// <summary><c>min(f)</c> over values that are numbers; null when there are none.</summary>
public sealed class MinStat : StatAccumulator
{
    private double? _min;

    public override void Add(string? text)
    {
        if (text is not null && NumberText.TryParse(text, out var v) && (_min is null || v < _min))
        {
            _min = v;
        }
    }

    public override void AddUtf8(ReadOnlySpan<byte> utf8)
    {
        if (NumberText.TryParse(utf8, out var v) && (_min is null || v < _min))
        {
            _min = v;
        }
    }

    public override bool NumbersOnly => true;

    public override void AddNumber(double number)
    {
        if (_min is null || number < _min)
        {
            _min = number;
        }
    }

    public override void AddAbsent(long rows)
    {
    }

    public override void Merge(StatAccumulator other)
    {
        if (((MinStat)other)._min is { } m && (_min is null || m < _min))
        {
            _min = m;
        }
    }

    public override FieldValue Finish() => _min is { } m ? ResultNumbers.Of(m) : ResultNumbers.Null;
}
