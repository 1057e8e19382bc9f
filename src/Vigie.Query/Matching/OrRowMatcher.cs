using Vigie.Query.Rows;

namespace Vigie.Query.Matching;

/// <summary>OR, short-circuiting left to right.</summary>
public sealed class OrRowMatcher(IReadOnlyList<RowMatcher> operands) : RowMatcher
{
    public override bool Matches(IRow row)
    {
        foreach (var m in operands)
        {
            if (m.Matches(row))
            {
                return true;
            }
        }
        return false;
    }
}
