using System.Text;
using Vigie.Core;

namespace Vigie.Query.Syntax;

/// <summary>
/// <c>_time:15m</c> (the last 15 minutes up to the query's now, both ends included) or an absolute range
/// <c>_time:[2026-11-25T00:00:00Z TO 2026-11-26T00:00:00Z}</c>, <c>_time:&gt;=2026-11-25T00:00:00Z</c>.
/// </summary>
public sealed record TimeRangeFilter : Filter
{
    private TimeRangeFilter(long? lastNs, TimeBound? lower, TimeBound? upper)
    {
        LastNs = lastNs;
        Lower = lower;
        Upper = upper;
    }

    /// <summary>The relative window in nanoseconds, or null for an absolute range.</summary>
    public long? LastNs { get; }

    public TimeBound? Lower { get; }

    public TimeBound? Upper { get; }

    public static TimeRangeFilter Last(long durationNs) =>
        durationNs > 0 ? new(durationNs, null, null) : throw new ArgumentOutOfRangeException(nameof(durationNs), "A duration must be positive.");

    public static TimeRangeFilter Between(TimeBound? lower, TimeBound? upper) => new(null, lower, upper);

    /// <summary>The matching times as an inclusive [min, max] window; empty when min &gt; max.</summary>
    public (long MinNs, long MaxNs) Resolve(long nowNs)
    {
        if (LastNs is { } last)
        {
            return (nowNs - last, nowNs);
        }
        var min = Lower is null ? long.MinValue : Lower.Inclusive ? Lower.Ns : SaturatingAdd(Lower.Ns, 1);
        var max = Upper is null ? long.MaxValue : Upper.Inclusive ? Upper.Ns : SaturatingAdd(Upper.Ns, -1);
        return (min, max);
    }

    public override void CollectFields(ISet<string> into) => into.Add(FieldNames.Time);

    internal override void Write(StringBuilder sb)
    {
        sb.Append(FieldNames.Time).Append(':');
        if (LastNs is { } last)
        {
            sb.Append(Durations.Format(last));
            return;
        }
        switch (Lower, Upper)
        {
            case (not null, null):
                sb.Append(Lower.Inclusive ? ">=" : ">").Append(Timestamps.FormatRfc3339(Lower.Ns));
                break;
            case (null, not null):
                sb.Append(Upper.Inclusive ? "<=" : "<").Append(Timestamps.FormatRfc3339(Upper.Ns));
                break;
            default:
                sb.Append(Lower is { Inclusive: false } ? '{' : '[')
                    .Append(Lower is null ? "*" : Timestamps.FormatRfc3339(Lower.Ns))
                    .Append(" TO ")
                    .Append(Upper is null ? "*" : Timestamps.FormatRfc3339(Upper.Ns))
                    .Append(Upper is { Inclusive: false } ? '}' : ']');
                break;
        }
    }

    private static long SaturatingAdd(long a, long b)
    {
        var r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (b > 0 ? long.MaxValue : long.MinValue) : r;
    }
}
