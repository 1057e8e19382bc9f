using Vigie.Core;
using Vigie.Query.Matching;
using Vigie.Query.Syntax;

namespace Vigie.Query.Engine.Predicates;

/// <summary>Compiles a filter into block predicates; relative times are fixed against the query's <c>now</c>.</summary>
public static class PredicateCompiler
{
    public static BlockPredicate Compile(Filter filter, long nowNs) => filter switch
    {
        AllFilter => AllPredicate.Instance,
        AndFilter a => new AndPredicate([.. a.Filters.Select(f => Compile(f, nowNs))]),
        OrFilter o => new OrPredicate([.. o.Filters.Select(f => Compile(f, nowNs))]),
        NotFilter n => new NotPredicate(Compile(n.Operand, nowNs)),
        TimeRangeFilter t => Time(t.Resolve(nowNs)),
        FieldFilter { Field: FieldNames.Stream } f => new StreamPredicate(ValueMatchers.For(f)),
        FieldFilter { Field: FieldNames.Time } f => new TimeTextPredicate(ValueMatchers.For(f)),
        FieldFilter f => new FieldPredicate(f),
        _ => throw new ArgumentException($"Unknown filter {filter.GetType().Name}.", nameof(filter)),
    };

    private static TimePredicate Time((long MinNs, long MaxNs) range) => new(range.MinNs, range.MaxNs);

    /// <summary>
    /// The time window every match lies in, from the request's bounds and the filter's top-level
    /// time conditions: used to skip whole partitions and parts.
    /// </summary>
    public static (long MinNs, long MaxNs) TimeWindow(Filter filter, QueryRequest request)
    {
        var min = request.StartNs ?? long.MinValue;
        var max = request.EndNs is { } end ? end - 1 : long.MaxValue;
        Narrow(filter, request.NowNs, ref min, ref max);
        return (min, max);
    }

    private static void Narrow(Filter filter, long nowNs, ref long min, ref long max)
    {
        switch (filter)
        {
            case TimeRangeFilter t:
                var (lo, hi) = t.Resolve(nowNs);
                min = Math.Max(min, lo);
                max = Math.Min(max, hi);
                break;
            case AndFilter a:
                foreach (var f in a.Filters)
                {
                    Narrow(f, nowNs, ref min, ref max);
                }
                break;
        }
    }
}
