using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Store;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Store;

public sealed class LogStoreTests
{
    private static readonly long BaseTime = Timestamps.FromDateTime(new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc));

    private static StoreOptions Options(string dir) => new() { DataDirectory = dir, BackgroundMerges = false, FlushInterval = TimeSpan.FromHours(1) };

    [Fact]
    public void AppendFlushMergeReopen_RandomEvents_ComeBackExactly()
    {
        var cases = (from seed in Gen.Choose(0, int.MaxValue) from count in Gen.Choose(0, 300) from batches in Gen.Choose(1, 6) select (seed, count, batches)).ToArbitrary();
        Prop.ForAll(cases, c => RoundTrip(c.seed, c.count, c.batches)).QuickCheckThrowOnFailure();
    }

    private static void RoundTrip(int seed, int count, int batches)
    {
        {
            var r = new Random(seed);
            var events = Enumerable.Range(0, count).Select(_ => RandomEvents.Make(r, BaseTime)).ToList();
            using var dir = new TempDirectory();
            using (var store = LogStore.Open(Options(dir.Path)))
            {
                foreach (var chunk in events.Chunk(Math.Max(1, count / batches)))
                {
                    StoreReading.Append(store, chunk);
                    store.FlushAsync().GetAwaiter().GetResult();
                }
                Assert.Equal(StoreReading.Describe(events), StoreReading.Describe(StoreReading.ReadAll(store)));
                while (store.MergeOnceAsync(force: true).GetAwaiter().GetResult())
                {
                }
                Assert.Equal(StoreReading.Describe(events), StoreReading.Describe(StoreReading.ReadAll(store)));
            }
            using (var reopened = LogStore.Open(Options(dir.Path)))
            {
                Assert.Equal(StoreReading.Describe(events), StoreReading.Describe(StoreReading.ReadAll(reopened)));
            }
        }
    }

    [Fact]
    public async Task Merge_ManySmallParts_OnePartPerDayWithRowsSortedByTimePerStream()
    {
        using var dir = new TempDirectory();
        using var store = LogStore.Open(Options(dir.Path));
        var r = new Random(7);
        var events = Enumerable.Range(0, 500).Select(_ => RandomEvents.Make(r, BaseTime)).ToList();
        foreach (var chunk in events.Chunk(50))
        {
            await StoreReading.AppendAsync(store, chunk);
            await store.FlushAsync();
        }
        var before = store.GetStatus();
        while (await store.MergeOnceAsync(force: true))
        {
        }
        var after = store.GetStatus();
        Assert.True(before.Parts > after.Parts, $"{before.Parts} parts before, {after.Parts} after");
        Assert.Equal(after.Partitions, after.Parts);
        Assert.Equal(500, after.Rows);
        using var snapshot = store.AcquireSnapshot();
        foreach (var part in snapshot.Parts)
        {
            foreach (var info in part.Reader.Blocks)
            {
                Assert.True(info.MinTime <= info.MaxTime);
            }
            for (var b = 0; b < part.Reader.Blocks.Count; b++)
            {
                var times = part.Reader.ReadTimes(b);
                Assert.True(times.SequenceEqual(times.Order()), "block rows are sorted by time");
            }
        }
    }

    [Fact]
    public async Task Snapshot_PartsRetiredByMerge_StayReadableUntilDisposed()
    {
        using var dir = new TempDirectory();
        using var store = LogStore.Open(Options(dir.Path));
        for (var i = 0; i < 3; i++)
        {
            await StoreReading.AppendAsync(store, Enumerable.Range(0, 40).Select(j => Event(BaseTime - (i * 40 + j) * Timestamps.NanosPerSecond)));
            await store.FlushAsync();
        }
        var snapshot = store.AcquireSnapshot();
        var files = snapshot.Parts.Select(p => Path.Combine(dir.Path, p.Entry.RelativePath)).ToList();
        Assert.True(await store.MergeOnceAsync(force: true));
        Assert.All(files, f => Assert.True(File.Exists(f), "a retired part stays while a snapshot holds it"));
        var rows = snapshot.Parts.Sum(p => Enumerable.Range(0, p.Reader.Blocks.Count).Sum(b => p.Reader.ReadBlock(b).RowCount));
        Assert.Equal(120, rows);
        snapshot.Dispose();
        Assert.All(files, f => Assert.False(File.Exists(f), "a retired part goes once no snapshot holds it"));
    }

    [Fact]
    public async Task Retention_ByAge_DropsWholeDayPartitionsOlderThanTheLimit()
    {
        using var dir = new TempDirectory();
        var now = new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);
        var options = Options(dir.Path) with { Retention = TimeSpan.FromDays(1), UtcNow = () => now };
        using var store = LogStore.Open(options);
        var day = 86_400L * Timestamps.NanosPerSecond;
        var nowNs = Timestamps.FromDateTime(now);
        await StoreReading.AppendAsync(store, [Event(nowNs - 3 * day), Event(nowNs - 2 * day), Event(nowNs - day), Event(nowNs)]);
        await store.FlushAsync();
        Assert.Equal(4, store.GetStatus().Partitions);
        await store.ApplyRetentionAsync();
        // the partition of yesterday ends less than a day ago: it stays
        var left = StoreReading.ReadAll(store).Select(e => e.TimeNs).Order().ToList();
        Assert.Equal([nowNs - day, nowNs], left);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "parts", Timestamps.DayName(Timestamps.DayOf(nowNs - 3 * day)))));
    }

    [Fact]
    public async Task Retention_ByDiskSize_DropsOldestPartitionsFirstAndKeepsTheNewest()
    {
        using var dir = new TempDirectory();
        using var store = LogStore.Open(Options(dir.Path) with { MaxDiskBytes = 1 });
        var day = 86_400L * Timestamps.NanosPerSecond;
        await StoreReading.AppendAsync(store, [Event(BaseTime - 2 * day), Event(BaseTime - day), Event(BaseTime)]);
        await store.FlushAsync();
        await store.ApplyRetentionAsync();
        Assert.Equal([BaseTime], StoreReading.ReadAll(store).Select(e => e.TimeNs));
    }

    [Fact]
    public async Task Open_AfterUnflushedAppends_ReplaysTheWriteAheadLog()
    {
        using var dir = new TempDirectory();
        var r = new Random(11);
        var events = Enumerable.Range(0, 50).Select(_ => RandomEvents.Make(r, BaseTime)).ToList();
        using (var store = LogStore.Open(Options(dir.Path)))
        {
            await StoreReading.AppendAsync(store, events);
            // simulate a crash: copy the data directory as it is now, before any flush
            CopyDirectory(dir.Path, dir.Path + "-crash");
        }
        try
        {
            Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path + "-crash", "parts"), "*.part", SearchOption.AllDirectories));
            File.Delete(Path.Combine(dir.Path + "-crash", StoreLayout.LockFile));
            using var recovered = LogStore.Open(Options(dir.Path + "-crash"));
            Assert.Equal(StoreReading.Describe(events), StoreReading.Describe(StoreReading.ReadAll(recovered)));
        }
        finally
        {
            Directory.Delete(dir.Path + "-crash", recursive: true);
        }
    }

    [Fact]
    public async Task Open_PartFileNotInManifest_IsRemovedAsDebris()
    {
        using var dir = new TempDirectory();
        using (var store = LogStore.Open(Options(dir.Path)))
        {
            await StoreReading.AppendAsync(store, [Event(BaseTime)]);
        }
        var debris = Path.Combine(dir.Path, "parts", Timestamps.DayName(Timestamps.DayOf(BaseTime)), "000000099999.part");
        File.WriteAllText(debris, "half-written part of an interrupted merge");
        using var reopened = LogStore.Open(Options(dir.Path));
        Assert.False(File.Exists(debris));
        Assert.Single(StoreReading.ReadAll(reopened));
    }

    [Fact]
    public void Open_DirectoryHeldByAnotherStore_FailsWithClearMessage()
    {
        using var dir = new TempDirectory();
        using var store = LogStore.Open(Options(dir.Path));
        var e = Assert.Throws<IOException>(() => LogStore.Open(Options(dir.Path)));
        Assert.Contains("in use by another Vigie process", e.Message);
    }

    private static LogEvent Event(long time) => new(time, StreamKey.Empty, [new("_msg", FieldValue.Str("at " + time))]);

    private static void CopyDirectory(string from, string to)
    {
        foreach (var d in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(d.Replace(from, to, StringComparison.Ordinal));
        }
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(f) != StoreLayout.LockFile)
            {
                File.Copy(f, f.Replace(from, to, StringComparison.Ordinal));
            }
        }
    }
}
