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
}
