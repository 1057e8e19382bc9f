using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Query.Pipes.Stats;

/// <summary>
/// <c>pN(f)</c> by nearest rank: of the n numeric values sorted ascending, the one at index
/// ceil(N/100 × n) − 1 (at least 0), computed in integers so that p29 of 100 values is the 29th.
/// </summary>
/// <remarks>
/// Values are kept in pooled chunks (<see cref="NumberChunks"/>): a merge of the scan workers'
/// states moves chunks instead of copying values, and the rank is found across the chunks by
/// <see cref="Selection.SelectAcross"/>, after which the chunks go back to the pool.
/// </remarks>
public sealed class PercentileStat(int percentile) : StatAccumulator
{
    private readonly NumberChunks _values = new();
    private FieldValue? _result;

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

    public override void AddNumber(double number) => _values.Add(number);

    public override void AddNumbers(ReadOnlySpan<double> numbers) => _values.AddRange(numbers);

    public override void AddAbsent(long rows)
    {
    }

    public override void Merge(StatAccumulator other) => _values.TakeFrom(((PercentileStat)other)._values);

    public override FieldValue Finish()
    {
        if (_result is { } done)
        {
            return done;
        }
        if (_values.Count == 0)
        {
            return ResultNumbers.Null;
        }
        var rank = ((long)percentile * _values.Count + 99) / 100;
        var value = Selection.SelectAcross([.. _values.Chunks()], _values.Count, Math.Max(rank - 1, 0));
        _values.Release();
        _result = ResultNumbers.Of(value);
        return _result.Value;
    }
}
