using System.Text;
using Vigie.Core;

namespace Vigie.Query.Syntax;

/// <summary>
/// <c>status:[400 TO 499]</c>, <c>{a TO b}</c>, <c>bytes:&gt;=1000</c>: a null bound is open. For time
/// ranges on <c>_time</c> see <see cref="TimeRangeFilter"/>.
/// </summary>
public sealed record RangeFilter : FieldFilter
{
    public RangeFilter(string field, RangeBound? lower, RangeBound? upper)
        : base(field)
    {
        if (field == FieldNames.Time)
        {
            throw new ArgumentException("A range on _time is a TimeRangeFilter.", nameof(field));
        }
        Lower = lower;
        Upper = upper;
    }

    public RangeBound? Lower { get; }

    public RangeBound? Upper { get; }

    internal override void Write(StringBuilder sb)
    {
        sb.Append(Lexicon.FormatField(Field)).Append(':');
        switch (Lower, Upper)
        {
            case (not null, null):
                sb.Append(Lower.Inclusive ? ">=" : ">").Append(Lower.Format());
                break;
            case (null, not null):
                sb.Append(Upper.Inclusive ? "<=" : "<").Append(Upper.Format());
                break;
            default:
                sb.Append(Lower is { Inclusive: false } ? '{' : '[')
                    .Append(Lower?.Format() ?? "*")
                    .Append(" TO ")
                    .Append(Upper?.Format() ?? "*")
                    .Append(Upper is { Inclusive: false } ? '}' : ']');
                break;
        }
    }
}
