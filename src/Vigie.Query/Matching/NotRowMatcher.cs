using Vigie.Query.Rows;

namespace Vigie.Query.Matching;

/// <summary>NOT: true for rows that lack the operand's field too.</summary>
public sealed class NotRowMatcher(RowMatcher operand) : RowMatcher
{
    public override bool Matches(IRow row) => !operand.Matches(row);
}
