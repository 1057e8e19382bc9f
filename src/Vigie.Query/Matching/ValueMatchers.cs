using Vigie.Query.Syntax;

namespace Vigie.Query.Matching;

/// <summary>The value test of each field filter; the single place that maps filter kinds to semantics.</summary>
public static class ValueMatchers
{
    public static ValueMatcher For(FieldFilter filter) => filter switch
    {
        WordFilter w => TermMatcher.Word(w.Value),
        PhraseFilter p => TermMatcher.Phrase(p.Phrase),
        PrefixFilter p => TermMatcher.Prefix(p.Prefix),
        RegexFilter r => new RegexMatcher(r.Regex),
        RangeFilter r => new RangeMatcher(r.Lower, r.Upper),
        ExistsFilter => ExistsMatcher.Instance,
        CidrFilter c => new CidrMatcher(c.Network, c.PrefixLength),
        _ => throw new ArgumentException($"Unknown field filter {filter.GetType().Name}.", nameof(filter)),
    };
}
