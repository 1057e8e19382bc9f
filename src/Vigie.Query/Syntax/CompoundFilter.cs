using System.Text;

namespace Vigie.Query.Syntax;

/// <summary>Two or more operands joined by one operator (<c>AND</c>, <c>OR</c>); equal when the operator and operands are.</summary>
public abstract record CompoundFilter : Filter
{
    protected CompoundFilter(IReadOnlyList<Filter> filters, string keyword)
    {
        ArgumentNullException.ThrowIfNull(filters);
        if (filters.Count < 2)
        {
            throw new ArgumentException($"{keyword} needs at least two operands.", nameof(filters));
        }
        Filters = [.. filters];
        Keyword = keyword;
    }

    public IReadOnlyList<Filter> Filters { get; }

    /// <summary>The operator as printed.</summary>
    public string Keyword { get; }

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
                sb.Append(' ').Append(Keyword).Append(' ');
            }
            Filters[i].WriteOperand(sb, Precedence);
        }
    }

    public virtual bool Equals(CompoundFilter? other) => other is not null && Keyword == other.Keyword && Filters.SequenceEqual(other.Filters);

    public override int GetHashCode() => Filters.Aggregate(Keyword.GetHashCode(StringComparison.Ordinal), HashCode.Combine);
}
