using Vigie.Query.Syntax;

namespace Vigie.Query.Matching;

/// <summary>Turns a filter into a row matcher; relative times are fixed against <c>now</c> here, once per query.</summary>
public static class FilterCompiler
{
    public static RowMatcher Compile(Filter filter, long nowNs) => filter switch
    {
        AllFilter => AllRowMatcher.Instance,
        AndFilter a => new AndRowMatcher([.. a.Filters.Select(f => Compile(f, nowNs))]),
        OrFilter o => new OrRowMatcher([.. o.Filters.Select(f => Compile(f, nowNs))]),
        NotFilter n => new NotRowMatcher(Compile(n.Operand, nowNs)),
        TimeRangeFilter t => CompileTime(t, nowNs),
        FieldFilter f => new FieldRowMatcher(f.Field, ValueMatchers.For(f)),
        _ => throw new ArgumentException($"Unknown filter {filter.GetType().Name}.", nameof(filter)),
    };

    private static TimeRowMatcher CompileTime(TimeRangeFilter filter, long nowNs)
    {
        var (min, max) = filter.Resolve(nowNs);
        return new TimeRowMatcher(min, max);
    }
}
