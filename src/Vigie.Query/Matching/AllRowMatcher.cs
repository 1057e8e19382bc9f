using Vigie.Query.Rows;

namespace Vigie.Query.Matching;

/// <summary><c>*</c>.</summary>
public sealed class AllRowMatcher : RowMatcher
{
    public static readonly AllRowMatcher Instance = new();

    public override bool Matches(IRow row) => true;
}
