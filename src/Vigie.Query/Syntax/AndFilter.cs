using System.Text;

namespace Vigie.Query.Syntax;

/// <summary>All operands match; written <c>a AND b</c> or by juxtaposition <c>a b</c>.</summary>
public sealed record AndFilter : Filter
{
    public AndFilter(IReadOnlyList<Filter> filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        if (filters.Count < 2)
        {
            throw new ArgumentException("AND needs at least two operands.", nameof(filters));
        }
        Filters = [.. filters];
    }

    public IReadOnlyList<Filter> Filters { get; }

    internal override int Precedence => 1;

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
                sb.Append(" AND ");
            }
            Filters[i].WriteOperand(sb, Precedence);
        }
    }

    public bool Equals(AndFilter? other) => other is not null && Filters.SequenceEqual(other.Filters);

    public override int GetHashCode() => Filters.Aggregate(17, (h, f) => HashCode.Combine(h, f));
}
