using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Query.Pipes.Stats;

/// <summary>
/// <c>pN(f)</c> by nearest rank: of the n numeric values sorted ascending, the one at index
/// ceil(N/100 × n) − 1 (at least 0), computed in integers so that p29 of 100 values is the 29th.
/// </summary>
public sealed class PercentileStat(int percentile) : StatAccumulator
{
    private readonly List<double> _values = [];

    public override void Add(string? text)
    {
        if (text is not null && NumberText.TryParse(text, out var v))
        {
            _values.Add(v);
        }
    }

    public override void AddUtf8(ReadOnlySpan<byte> utf8)
    {
        if (NumberText.TryParse(utf8, out var v))
        {
            _values.Add(v);
        }
    }

    public override bool NumbersOnly => true;

    public override void AddNumber(double number)
    {
        _values.Add(number);
    }

    public override void AddAbsent(long rows)
    {
    }

    public override void Merge(StatAccumulator other) => _values.AddRange(((PercentileStat)other)._values);

    public override FieldValue Finish()
    {
        if (_values.Count == 0)
        {
            return ResultNumbers.Null;
        }
        var rank = ((long)percentile * _values.Count + 99) / 100;
        return ResultNumbers.Of(Selection.Select(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_values), (int)Math.Max(rank - 1, 0)));
    }
}
