using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Store;
using Vigie.Storage.Tests.Parts;

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

    private static readonly long BaseTime = Timestamps.FromDateTime(new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc));

    [Fact]
    public async Task Background_PartsStillArriving_WaitsUpToTheIngestingBoundThenSettlesToTheBoundAtRest()
    {
        using var dir = new TempDirectory();
        using var store = LogStore.Open(Options(dir.Path, quietAfter: TimeSpan.FromHours(1)));
        var events = await FlushParts(store, 5);

        Assert.False(await store.MergeOnceAsync(), "5 parts are within the bound while ingesting");
        Assert.Equal(5, store.GetStatus().Parts);

        Assert.True(await store.SettleOnceAsync());
        Assert.Equal(3, store.GetStatus().Parts);
        Assert.False(await store.SettleOnceAsync(), "3 parts are the bound at rest");

        events.AddRange(await FlushParts(store, 3, first: 5));
        Assert.Equal(6, store.GetStatus().Parts);
        Assert.True(await store.MergeOnceAsync(), "6 parts are above the bound while ingesting");
        Assert.InRange(store.GetStatus().Parts, 1, 5);
        Assert.Equal(StoreReading.Describe(events), StoreReading.Describe(StoreReading.ReadAll(store)));
    }

    [Fact]
    public async Task Background_PartitionQuiet_MergesDownToTheBoundAtRestAndAMergedPartIsNoArrival()
    {
        using var dir = new TempDirectory();
        using var store = LogStore.Open(Options(dir.Path, quietAfter: TimeSpan.FromMilliseconds(300)));
        var events = await FlushParts(store, 4, size: 200);
        events.AddRange(await FlushParts(store, 2, first: 4));
        Assert.True(await store.MergeOnceAsync(), "6 parts are above the bound while ingesting");
        Assert.Equal(5, store.GetStatus().Parts);

        await Task.Delay(500);
        Assert.True(await store.MergeOnceAsync(), "a quiet partition above the bound at rest is merged; the merge's own part was no arrival");
        Assert.Equal(3, store.GetStatus().Parts);

        events.AddRange(await FlushParts(store, 1, first: 6));
        Assert.False(await store.MergeOnceAsync(), "a new part makes the partition active again: 4 parts are allowed");
        Assert.Equal(4, store.GetStatus().Parts);
        await Task.Delay(500);
        Assert.True(await store.MergeOnceAsync());
        Assert.Equal(3, store.GetStatus().Parts);
        Assert.Equal(StoreReading.Describe(events), StoreReading.Describe(StoreReading.ReadAll(store)));
    }

    private static StoreOptions Options(string dir, TimeSpan quietAfter) => new()
    {
        DataDirectory = dir,
        BackgroundMerges = false,
        FlushInterval = TimeSpan.FromHours(1),
        MaxPartsPerPartition = 3,
        MaxPartsWhileIngesting = 5,
        MergeQuietAfter = quietAfter,
    };

    /// <summary>Flushes <paramref name="parts"/> parts of <paramref name="size"/> events each, one stream, later parts later in time.</summary>
    private static async Task<List<LogEvent>> FlushParts(LogStore store, int parts, int first = 0, int size = 20)
    {
        var all = new List<LogEvent>();
        for (var p = first; p < first + parts; p++)
        {
            var events = Enumerable.Range(0, size)
                .Select(i => new LogEvent(BaseTime + ((p * 1000L) + i) * Timestamps.NanosPerSecond, StreamKey.Empty, [new("_msg", FieldValue.Str($"part {p} event {i}"))]))
                .ToList();
            await StoreReading.AppendAsync(store, events);
            await store.FlushAsync();
            all.AddRange(events);
        }
        return all;
    }
}
