using Vigie.Query.Syntax;

namespace Vigie.Query.Pipes.Stats;

public static class StatAccumulators
{
    public static StatAccumulator Create(StatsFunction function) => function.Name switch
    {
        StatsFunction.Count => new CountStat(countAllRows: function.Field is null),
        StatsFunction.CountDistinct => new CountDistinctStat(),
        StatsFunction.Sum => new SumStat(),
        StatsFunction.Avg => new AvgStat(),
        StatsFunction.Min => new MinStat(),
        StatsFunction.Max => new MaxStat(),
        _ when function.Percentile is { } p => new PercentileStat(p),
        _ => throw new ArgumentException($"Unknown stats function '{function.Name}'.", nameof(function)),
    };
}
