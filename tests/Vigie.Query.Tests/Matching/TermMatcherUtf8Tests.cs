using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Query.Matching;

namespace Vigie.Query.Tests.Matching;

/// <summary>The byte path of term matching must answer exactly as the text path, on any value.</summary>
public sealed class TermMatcherUtf8Tests
{
    private static readonly char[] Alphabet = ['a', 'B', 'c', 'x', 'Y', '_', '0', '9', ' ', '-', '.', '/', ':', '=', 'é', 'ß', 'K', '\u212A', '日'];

    private static Gen<string> Texts(int max) =>
        from n in Gen.Choose(0, max)
        from cs in Gen.Elements(Alphabet).ArrayOf(n)
        select new string(cs);

    [Fact]
    public void MatchesUtf8_RandomTermsAndValues_SameAnswerAsMatches()
    {
        var cases = (from term in Texts(4) from value in Texts(24) from kind in Gen.Choose(0, 2) select (term, value, kind)).ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var matcher = c.kind switch
            {
                0 => TermMatcher.Word(c.term),
                1 => TermMatcher.Phrase(c.term),
                _ => TermMatcher.Prefix(c.term),
            };
            return matcher.MatchesUtf8(Encoding.UTF8.GetBytes(c.value)) == matcher.Matches(c.value);
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("error", "An ERROR occurred", true)]
    [InlineData("error", "errors everywhere", false)]
    [InlineData("refused", "connection_refused", false)]
    [InlineData("connection refused", "Connection Refused (retrying)", true)]
    [InlineData("-x", "a-x", true)]
    public void MatchesUtf8_AsciiValues_WordBoundaries(string term, string value, bool expected) =>
        Assert.Equal(expected, TermMatcher.Phrase(term).MatchesUtf8(Encoding.UTF8.GetBytes(value)));
}
