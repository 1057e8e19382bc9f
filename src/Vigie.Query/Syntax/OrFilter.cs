using System.Text;

namespace Vigie.Query.Syntax;

/// <summary>At least one operand matches: <c>a OR b</c>.</summary>
public sealed record OrFilter : Filter
{
    public OrFilter(IReadOnlyList<Filter> filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        if (filters.Count < 2)
        {
            throw new ArgumentException("OR needs at least two operands.", nameof(filters));
        }
        Filters = [.. filters];
    }

    public IReadOnlyList<Filter> Filters { get; }

    internal override int Precedence => 0;

    public override void CollectFields(ISet<string> into)
    {
        foreach (var f in Filters)
        {
            f.CollectFields(into);
        }
    }

    internal override void Write(StringBuilder sb)
    {
        for (var i = 0; i < Filters.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(" OR ");
            }
            Filters[i].WriteOperand(sb, Precedence);
        }
    }

    public bool Equals(OrFilter? other) => other is not null && Filters.SequenceEqual(other.Filters);

    public override int GetHashCode() => Filters.Aggregate(19, (h, f) => HashCode.Combine(h, f));
}
