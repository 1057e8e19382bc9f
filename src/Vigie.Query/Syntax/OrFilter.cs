namespace Vigie.Query.Syntax;

/// <summary>At least one operand matches: <c>a OR b</c>.</summary>
public sealed record OrFilter : CompoundFilter
{
    public OrFilter(IReadOnlyList<Filter> filters) : base(filters, "OR")
    {
    }

    internal override int Precedence => 0;
}
