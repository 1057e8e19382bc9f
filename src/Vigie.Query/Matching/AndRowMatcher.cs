using Vigie.Query.Rows;

namespace Vigie.Query.Matching;

/// <summary>AND, short-circuiting left to right.</summary>
public sealed class AndRowMatcher(IReadOnlyList<RowMatcher> operands) : RowMatcher
{
    public override bool Matches(IRow row)
    {
        foreach (var m in operands)
        {
            if (!m.Matches(row))
            {
                return false;
            }
        }
        return true;
    }
}
