using Vigie.Core;
using Vigie.Storage.Store;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Store;

/// <summary>
/// The store holds an ingest batch as a copy grouped by stream. What reads the held batch sees the
/// events as they came: the live tail through <see cref="EventBatch.PlaceOfArrival"/>, and the parts
/// of a flush after a crash (the WAL holds the grouped order) the same rows in the same order as
/// those flushed from the batches before the crash.
/// </summary>
public class GroupedHoldStoreTests
{
    private const long BaseTime = 1_700_000_000L * Timestamps.NanosPerSecond;

    private static StoreOptions Options(string dir) => new() { DataDirectory = dir, BackgroundMerges = false, FlushInterval = TimeSpan.FromHours(1) };

    /// <summary>Events of a dozen streams interleaved, many at equal times.</summary>
    private static List<LogEvent> Events(int seed, int count)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var made = RandomEvents.Make(random, BaseTime);
            var stream = StreamKey.Create([new("host", "h" + random.Next(12))]);
            return new LogEvent(made.TimeNs - (made.TimeNs % (3600 * Timestamps.NanosPerSecond)), stream, made.Fields);
        })];
    }

    private static async Task AppendPooledAsync(LogStore store, IEnumerable<LogEvent> events)
    {
        var batch = store.BatchPool.Rent();
        try
        {
            foreach (var e in events)
            {
                batch.Add(e);
            }
            await store.AppendAsync(batch);
        }
        finally
        {
            batch.Release();
        }
    }

    [Fact]
    public async Task Appended_HeldBatchIsGrouped_AndReadInArrivalOrderGivesTheEventsAsTheyCame()
    {
        using var dir = new TempDirectory();
        using var store = LogStore.Open(Options(dir.Path));
        var events = Events(3, 300);
        var seen = new List<EventBatch>();
        store.Appended += seen.Add;

        await AppendPooledAsync(store, events);

        var held = Assert.Single(seen);
        Assert.True(held.IsGroupedByStream);
        // Grouped: not the arrival order when read place by place.
        Assert.NotEqual(events.Select(RandomEvents.Describe), held.ToLogEvents().Select(RandomEvents.Describe));
        var asTheyCame = Enumerable.Range(0, held.Count).Select(i => RandomEvents.Describe(held.ToLogEvent(held.PlaceOfArrival(i))));
        Assert.Equal(events.Select(RandomEvents.Describe), asTheyCame);
    }

    [Fact]
    public async Task Flush_AfterReplayOfGroupedBatches_SameRowsInTheSameOrder()
    {
        using var dir = new TempDirectory();
        using var other = new TempDirectory();
        var batches = Enumerable.Range(0, 4).Select(b => Events(100 + b, 250)).ToList();
        List<string> direct;
        using (var store = LogStore.Open(Options(other.Path)))
        {
            foreach (var events in batches)
            {
                await AppendPooledAsync(store, events);
            }
            await store.FlushAsync();
            direct = [.. StoreReading.ReadAll(store).Select(RandomEvents.Describe)];
        }
        using (var store = LogStore.Open(Options(dir.Path)))
        {
            foreach (var events in batches)
            {
                await AppendPooledAsync(store, events);
            }
            CopyDirectory(dir.Path, dir.Path + "-crash");
        }
        try
        {
            using var recovered = LogStore.Open(Options(dir.Path + "-crash"));
            await recovered.FlushAsync();
            Assert.Equal(batches.Sum(b => b.Count), direct.Count);
            Assert.Equal(direct, StoreReading.ReadAll(recovered).Select(RandomEvents.Describe));
        }
        finally
        {
            Directory.Delete(dir.Path + "-crash", recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != StoreLayout.LockFile))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
