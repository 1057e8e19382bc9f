using System.Text.RegularExpressions;

namespace Vigie.Query.Matching;

/// <summary>Unanchored: the pattern may match anywhere in the value. A match that times out fails the query.</summary>
public sealed class RegexMatcher(Regex regex) : ValueMatcher
{
    public override bool Matches(ReadOnlySpan<char> text) => regex.IsMatch(text);
}
