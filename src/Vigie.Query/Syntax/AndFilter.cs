namespace Vigie.Query.Syntax;

/// <summary>All operands match; written <c>a AND b</c> or by juxtaposition <c>a b</c>.</summary>
public sealed record AndFilter : CompoundFilter
{
    public AndFilter(IReadOnlyList<Filter> filters) : base(filters, "AND")
    {
    }

    internal override int Precedence => 1;
}
