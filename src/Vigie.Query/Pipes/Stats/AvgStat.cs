namespace Vigie.Query.Pipes.Stats;

/// <summary><c>avg(f)</c>: the exact sum divided by the count, over values that are numbers; null when there are none.</summary>
public sealed class AvgStat : NumericSumStat
{
    protected override double Result(double sum, long count) => sum / count;
}
