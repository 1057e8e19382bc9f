namespace Vigie.Query.Pipes.Stats;

/// <summary><c>sum(f)</c> over values that are numbers; null when there are none.</summary>
public sealed class SumStat : NumericSumStat
{
    protected override double Result(double sum, long count) => sum;
}
