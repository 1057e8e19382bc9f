using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Query.Matching;

namespace Vigie.Query.Tests.Matching;

/// <summary>A term searched over a whole column at once must clear exactly the mask entries the row-by-row test would.</summary>
public sealed class TermMatcherColumnTests
{
    private static readonly char[] Alphabet = ['a', 'B', 'c', 'C', 'x', '_', '0', ' ', '-', '.', '=', 'é'];

    private static Gen<string> Texts(int max, int alphabet) =>
        from n in Gen.Choose(0, max)
        from cs in Gen.Elements(Alphabet[..alphabet]).ArrayOf(n)
        select new string(cs);

    [Fact]
    public void TryMatchAsciiColumn_RandomColumns_SameMaskAsRowByRow()
    {
        // values mostly ASCII (the last letter of the alphabet is not), some absent, some rows not selected
        var cases = (from term in Texts(4, Alphabet.Length)
                     from kind in Gen.Choose(0, 2)
                     from rows in Gen.Choose(1, 30)
                     from asciiOnly in Gen.Elements(true, true, true, false)
                     from values in Texts(12, asciiOnly ? Alphabet.Length - 1 : Alphabet.Length).ArrayOf(rows)
                     from absent in Gen.Elements(false, false, false, true).ArrayOf(rows)
                     from selected in Gen.Elements(true, true, false).ArrayOf(rows)
                     from skip in Gen.Choose(0, 3)
                     select (term, kind, values, absent, selected, skip)).ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var matcher = c.kind switch
            {
                0 => TermMatcher.Word(c.term),
                1 => TermMatcher.Phrase(c.term),
                _ => TermMatcher.Prefix(c.term),
            };
            // the column's bytes may start after other data, as a block's buffer may
            var bytes = new List<byte>(Enumerable.Repeat((byte)'c', c.skip));
            var offsets = new List<int> { bytes.Count };
            for (var r = 0; r < c.values.Length; r++)
            {
                if (!c.absent[r])
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(c.values[r]));
                }
                offsets.Add(bytes.Count);
            }
            bytes.AddRange("ccc"u8.ToArray());
            var expected = c.selected.Select((s, r) => s && !c.absent[r] && matcher.MatchesUtf8(Encoding.UTF8.GetBytes(c.values[r]))).ToArray();
            var mask = c.selected.ToArray();
            if (!matcher.TryMatchAsciiColumn(bytes.ToArray(), offsets.ToArray(), mask))
            {
                // not applicable: the mask must be as it was
                return mask.SequenceEqual(c.selected);
            }
            return mask.SequenceEqual(expected);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void TryMatchAsciiColumn_TermAcrossRowBoundary_NotAMatch()
    {
        var matcher = TermMatcher.Phrase("connection refused");
        var bytes = "a connection refusedconnection refused x"u8.ToArray();
        // "a connection" | " refusedconnection" | " refused x": the term only spans rows; row 2 has it whole only with row 1
        int[] offsets = [0, 12, 30, bytes.Length];
        var mask = new[] { true, true, true };
        Assert.True(matcher.TryMatchAsciiColumn(bytes, offsets, mask));
        Assert.Equal([false, false, false], mask);
    }
}
