using Vigie.Query.Rows;

namespace Vigie.Query.Matching;

/// <summary><c>*</c>.</summary>
public sealed class AllRowMatcher : RowMatcher
{
    public static readonly AllRowMatcher Instance = new();

    public override bool Matches(IRow row) => true;
}

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

/// <summary>NOT: true for rows that lack the operand's field too.</summary>
public sealed class NotRowMatcher(RowMatcher operand) : RowMatcher
{
    public override bool Matches(IRow row) => !operand.Matches(row);
}
