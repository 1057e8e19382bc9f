using Vigie.Core;
using Vigie.Storage.Store;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Store;

/// <summary>
/// The store's batch pools: a pooled batch is free again as soon as its renter releases it (the store
/// keeps a copy of its own), and the store's copy is reused only once its events are in a part.
/// </summary>
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
    public async Task PooledBatch_ComesBackAsSoonAsItsRenterReleasesIt_AndItsEventsSurviveItsReuse()
    {
        using var dir = new TempDirectory();
        using var store = LogStore.Open(Options(dir.Path));
        var first = Events(1, 200);
        var batch = Rent(store, first);

        await store.AppendAsync(batch);
        batch.Release(); // the store keeps a copy of its own: the pooled batch is free at once

        Assert.Equal(1, store.BatchPool.Count);
        Assert.Equal(0, store.HeldBatches.Count);

        // Reused for other events before the first ones are even in a part: what is stored does not change.
        var second = Events(2, 150);
        var reused = Rent(store, second);
        Assert.Same(batch, reused);
        await store.AppendAsync(reused);
        reused.Release();
        await store.FlushAsync();

        Assert.Equal(StoreReading.Describe([.. first, .. second]), StoreReading.Describe(StoreReading.ReadAll(store)));
        // The store's copies come back once their events are in a part.
        Assert.Equal(2, store.HeldBatches.Count);
    }

    [Fact]
    public async Task StoredCopy_TakesAboutWhatItsEventsNeed_AndCountsTowardsTheBound()
    {
        using var dir = new TempDirectory();
        using var store = LogStore.Open(Options(dir.Path));
        var batch = Rent(store, Events(6, 300));
        var need = batch.CompactMemoryBytes;

        await store.AppendAsync(batch);

        // What the memtable holds is a copy of about the events' size, not the pooled batch's buffers.
        var held = store.GetStatus().MemtableBytes;
        Assert.InRange(held, need, need + need / 4 + 64);
        Assert.True(held < batch.MemoryBytes / 2, $"{held} against {batch.MemoryBytes}");
        batch.Release();
        await store.FlushAsync();
        Assert.Equal(0, store.GetStatus().MemtableBytes);
    }

    [Fact]
    public async Task LiveTail_ReadsTheStoresCopy_WhichNeverReturnsToItsPool()
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

        var tailed = Assert.Single(seen);
        Assert.NotSame(batch, tailed);
        Assert.Equal(0, store.HeldBatches.Count);
        // Later batches, from either pool, do not overwrite what the tail still reads.
        var next = Rent(store, Events(4, 100));
        Assert.Same(batch, next);
        await store.AppendAsync(next);
        next.Release();
        await store.FlushAsync();
        Assert.Equal(StoreReading.Describe(events), StoreReading.Describe(tailed.ToLogEvents()));
    }

    [Fact]
    public async Task StoredCopy_WhoseFlushFails_StaysHeldUntilAFlushSucceeds()
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
        Assert.Equal(0, store.HeldBatches.Count);
        Assert.Empty(StoreReading.ReadAll(store));
        // The pooled batch was free all along; refilling it does not touch the events waiting.
        Assert.Same(batch, Rent(store, Events(7, 80)));

        foreach (var path in blocked)
        {
            File.Delete(path);
        }
        await store.FlushAsync();
        Assert.Equal(1, store.HeldBatches.Count);
        Assert.Equal(StoreReading.Describe(events), StoreReading.Describe(StoreReading.ReadAll(store)));
    }
}
