namespace Vigie.Query.Matching;

/// <summary>
/// The test a field filter applies to the text of one present value. Stateless after construction and
/// thread-safe, so the engine can share one across threads and call it per value of a column.
/// </summary>
public abstract class ValueMatcher
{
    public abstract bool Matches(ReadOnlySpan<char> text);
}
