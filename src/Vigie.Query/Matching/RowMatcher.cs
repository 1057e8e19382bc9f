using Vigie.Query.Rows;

namespace Vigie.Query.Matching;

/// <summary>A compiled filter over whole rows; thread-safe.</summary>
public abstract class RowMatcher
{
    public abstract bool Matches(IRow row);
}
