using FsCheck;
using FsCheck.Fluent;
using Vigie.Storage.Store;

namespace Vigie.Storage.Tests.Store;

public class MergePolicyTests
{
    [Fact]
    public void MergeWidth_RandomSizes_TakesTwoThenOnlyPartsNoLargerThanTheTakenSum()
    {
        var sizes = Gen.Choose(1, 1_000_000).Select(i => (long)i).ArrayOf().Where(a => a.Length >= 2);
        Prop.ForAll(sizes.ToArbitrary(), Gen.Choose(2, 16).ToArbitrary(), (long[] raw, int maxParts) =>
        {
            var bySize = raw.Order().ToArray();

            var take = LogStore.MergeWidth(bySize, maxParts);

            Assert.InRange(take, 2, Math.Max(2, Math.Min(bySize.Length, maxParts)));
            for (var i = 2; i < take; i++)
            {
                Assert.True(bySize[i] <= bySize.Take(i).Sum(), $"part {i} ({bySize[i]}) is larger than the {i} before it together");
            }
            if (take < Math.Min(bySize.Length, maxParts))
            {
                Assert.True(bySize[take] > bySize.Take(take).Sum());
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Theory]
    [InlineData(77, 2.5)]
    [InlineData(300, 4.5)]
    public void MergeWidth_SteadyFlushes_EachEventRewrittenAFewTimesNotOncePerMerge(int flushes, double maxRewrites)
    {
        // Equal flush parts arrive one by one; merges run while the partition has more than 6 parts,
        // as the store's maintenance loop does.
        var parts = new List<long>();
        long written = 0;
        for (var f = 0; f < flushes; f++)
        {
            parts.Add(1);
            while (parts.Count > 6)
            {
                parts.Sort();
                var take = LogStore.MergeWidth(parts, 12);
                var merged = parts.Take(take).Sum();
                written += merged;
                parts.RemoveRange(0, take);
                parts.Add(merged);
            }
        }

        Assert.True(parts.Count <= 6);
        Assert.Equal(flushes, parts.Sum());
        Assert.True((double)written / flushes <= maxRewrites, $"each event was rewritten {(double)written / flushes:0.0} times");
    }
}
