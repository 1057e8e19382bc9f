using Vigie.Core;
using Vigie.Storage.Store;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Store;

/// <summary>The store's batch pool: a batch is reused only once it is in a part and nobody else holds it.</summary>
public sealed class BatchPoolStoreTests
{
    private static readonly long BaseTime = Timestamps.FromDateTime(new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc));

    private static StoreOptions Options(string dir) => new() { DataDirectory = dir, BackgroundMerges = false, FlushInterval = TimeSpan.FromHours(1) };

    private static List<LogEvent> Events(int seed, int count)
    {
        var r = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => RandomEvents.Make(r, BaseTime))];
    }

    private static EventBatch Rent(LogStore store, IEnumerable<LogEvent> events)
    {
        var batch = store.BatchPool.Rent();
        foreach (var e in events)
        {
            batch.Add(e);
        }
        return batch;
    }

    [Fact]
    public async Task PooledBatch_ComesBackOnlyAfterItsFlush_AndItsEventsSurviveItsReuse()
    {
        using var dir = new TempDirectory();
        using var store = LogStore.Open(Options(dir.Path));
        var first = Events(1, 200);
        var batch = Rent(store, first);

        await store.AppendAsync(batch);
        batch.Release(); // the renter is done; the store still holds it until it is in a part

        Assert.Equal(0, store.BatchPool.Count);
        Assert.NotSame(batch, store.BatchPool.Rent());

        await store.FlushAsync();
        Assert.Equal(1, store.BatchPool.Count);

        // Reused for other events: what the first flush stored does not change.
        var second = Events(2, 150);
        var reused = Rent(store, second);
        Assert.Same(batch, reused);
        await store.AppendAsync(reused);
        reused.Release();
        await store.FlushAsync();

        Assert.Equal(StoreReading.Describe([.. first, .. second]), StoreReading.Describe(StoreReading.ReadAll(store)));
    }

    [Fact]
    public async Task PooledBatch_HandedToALiveTail_NeverReturnsToThePool()
    {
        using var dir = new TempDirectory();
        using var store = LogStore.Open(Options(dir.Path));
        var seen = new List<EventBatch>();
        store.Appended += seen.Add;
        var events = Events(3, 100);
        var batch = Rent(store, events);

        await store.AppendAsync(batch);
        batch.Release();
        await store.FlushAsync();

        Assert.Equal(0, store.BatchPool.Count);
        var tailed = Assert.Single(seen);
        Assert.Same(batch, tailed);
        // A later batch of the pool does not overwrite what the tail still reads.
        var next = Rent(store, Events(4, 50));
        Assert.NotSame(batch, next);
        Assert.Equal(StoreReading.Describe(events), StoreReading.Describe(tailed.ToLogEvents()));
    }

    [Fact]
    public async Task PooledBatch_WhoseFlushFails_StaysHeldUntilAFlushSucceeds()
    {
        using var dir = new TempDirectory();
        using var store = LogStore.Open(Options(dir.Path));
        var events = Events(5, 80);
        var batch = Rent(store, events);
        await store.AppendAsync(batch);
        batch.Release();

        // Parts cannot be written while their day directories are files.
        var blocked = events.Select(e => Path.Combine(dir.Path, StoreLayout.PartsDirectory, Timestamps.DayName(Timestamps.DayOf(e.TimeNs)))).Distinct().ToList();
        foreach (var path in blocked)
        {
            await File.WriteAllTextAsync(path, "not a directory");
        }
        await store.FlushAsync();
        Assert.Equal(0, store.BatchPool.Count);
        Assert.Empty(StoreReading.ReadAll(store));

        foreach (var path in blocked)
        {
            File.Delete(path);
        }
        await store.FlushAsync();
        Assert.Equal(1, store.BatchPool.Count);
        Assert.Equal(StoreReading.Describe(events), StoreReading.Describe(StoreReading.ReadAll(store)));
    }
}
