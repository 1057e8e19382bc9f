using FsCheck;
using FsCheck.Fluent;
using Vigie.Query.Pipes.Stats;

namespace Vigie.Query.Tests.Engine;

public sealed class SelectionTests
{
    [Fact]
    public void Select_AnyValuesAndRank_EqualsSortedValueAtRank()
    {
        var cases = (from n in Gen.Choose(1, 200)
                     from values in Gen.Choose(-20, 20).Select(x => x / 4.0).ArrayOf(n)
                     from k in Gen.Choose(0, n - 1)
                     select (values, k)).ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var sorted = c.values.Order().ToArray();
            return Selection.Select(c.values.ToArray(), c.k) == sorted[c.k];
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void SelectAcross_ChunksOfAnyShape_EqualsSortedValueAtRank()
    {
        // large enough for the sampled bracket; shapes where a sample may miss the rank (sorted, reversed, few distinct values, one outlier block)
        var cases = (from n in Gen.Choose(1, 60_000)
                     from shape in Gen.Choose(0, 4)
                     from seed in Gen.Choose(0, int.MaxValue)
                     from chunks in Gen.Choose(1, 7)
                     from permille in Gen.Choose(0, 1000)
                     select (n, shape, seed, chunks, permille)).ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var r = new Random(c.seed);
            var values = Enumerable.Range(0, c.n).Select(i => c.shape switch
            {
                0 => r.NextDouble() * 1000,
                1 => i,
                2 => -i,
                3 => r.Next(3),
                _ => i < c.n / 10 ? 1e9 + i : r.NextDouble(),
            }).ToArray();
            var k = (int)((long)c.permille * (c.n - 1) / 1000);
            var size = (c.n + c.chunks - 1) / c.chunks;
            var chunks = values.Chunk(size).Select(a => (ReadOnlyMemory<double>)a).ToList();
            var expected = values.Order().ElementAt(k);
            return Selection.SelectAcross(chunks, c.n, k) == expected;
        }).QuickCheckThrowOnFailure();
    }
}
