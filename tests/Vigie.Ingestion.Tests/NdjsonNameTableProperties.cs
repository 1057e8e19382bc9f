using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;

namespace Vigie.Ingestion.Tests;

/// <summary>
/// The decoder's table of names by their bytes hashes only a name's length and its first and last
/// eight bytes: names alike in all of those (hence in the same slot) must still keep their own ids.
/// </summary>
public class NdjsonNameTableProperties
{
    // Same length, same first and last eight bytes: one hash, one slot; and shorter names besides.
    private static readonly string[] Names =
    [
        "prefix00-a-suffix00", "prefix00-b-suffix00", "prefix00-c-suffix00", "prefix00-\u00e9-suffix0",
        "ab", "ba", "a", "abcdefgh", "abcdefgi", "bbcdefgh", "x.y", "_msg",
    ];

    [Fact]
    public void DecodeAsync_NamesSharingAHash_EachKeepsItsOwnValues()
    {
        var lines =
            from count in Gen.Choose(1, Names.Length)
            from order in Gen.Shuffle(Names)
            from values in Gen.ArrayOf(Gen.Choose(0, 99), count)
            select order.Take(count).Zip(values, (name, value) => (Name: name, Value: value)).ToArray();
        var bodies = Gen.NonEmptyListOf(lines).Select(l => l.ToArray());

        Prop.ForAll(bodies.ToArbitrary(), body =>
        {
            var text = string.Concat(body.Select(line => "{" + string.Join(",", line.Select(f => $"\"{f.Name}\":{f.Value}")) + "}\n"));
            var (result, events) = Decode.Text(text);

            Assert.Empty(result.Errors);
            Assert.Equal(body.Length, events.Count);
            for (var e = 0; e < body.Length; e++)
            {
                var expected = body[e].Select(f => $"{f.Name}={f.Value}");
                Assert.Equal(expected, events[e].Fields.Select(f => $"{f.Key}={f.Value.Text}"));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void NameHash_NamesAlikeAtBothEnds_HashAlike()
    {
        // What the property above relies on to put names in one slot.
        Assert.Equal(
            NdjsonLineParser.NameHash(Encoding.UTF8.GetBytes("prefix00-a-suffix00")),
            NdjsonLineParser.NameHash(Encoding.UTF8.GetBytes("prefix00-b-suffix00")));
    }
}
