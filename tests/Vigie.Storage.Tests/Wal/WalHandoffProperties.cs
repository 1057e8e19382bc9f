using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Core;
using Vigie.Storage.Idempotency;
using Vigie.Storage.Store;
using Vigie.Storage.Tests.Parts;
using Vigie.Storage.Wal;

namespace Vigie.Storage.Tests.Wal;

/// <summary>
/// The hand-off between appending threads and the WAL's writer thread: whatever the threads and
/// their pauses (the writer asleep or busy when an append arrives), every append completes, is
/// handed to <c>onDurable</c> exactly once, and replays in the order it was handed over; appends
/// still queued when the log is disposed are written, not dropped; an append after it fails.
/// </summary>
public class WalHandoffProperties
{
    [Fact]
    public void Append_FromConcurrentThreadsWithPauses_EveryBatchDurableOnceAndReplayedInHandOverOrder()
    {
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var r = new Random(seed);
            var threads = r.Next(1, 6);
            var plans = Enumerable.Range(0, threads)
                .Select(t => Enumerable.Range(0, r.Next(1, 8)).Select(i => (Batch: WalNarrowRecordProperties.RandomBatch(r, maxEvents: 5, longValues: false), Pause: r.Next(0, 3), Key: $"t{t}-{i}")).ToList())
                .ToList();
            var durable = new List<string>();
            var completed = new System.Collections.Concurrent.ConcurrentDictionary<object, bool>();
            using var dir = new TempDirectory();
            using (var wal = new WriteAheadLog(dir.Path, 1, (_, k) => durable.Add(k!.Value.Key), new StoreMetrics()))
            {
                var workers = plans.Select(plan => new Thread(() =>
                {
                    var appends = new List<Task>();
                    foreach (var (batch, pause, key) in plan)
                    {
                        if (pause > 0)
                        {
                            // Often long enough for the writer to finish its group and go to sleep.
                            Thread.Sleep(pause);
                        }
                        appends.Add(wal.AppendAsync(batch, new StoredKey(key, 1)));
                    }
                    // Bounded, so that a lost wake-up fails the test instead of hanging it.
                    completed[plan] = Task.WaitAll([.. appends], TimeSpan.FromMinutes(1));
                })).ToList();
                workers.ForEach(w => w.Start());
                workers.ForEach(w => w.Join());
            }

            Assert.All(completed.Values, Assert.True);
            Assert.Equal(plans.Count, completed.Count);
            var expected = plans.SelectMany(p => p.Select(a => a.Key)).Order().ToList();
            Assert.Equal(expected, durable.Order().ToList());
            var replayed = Replay(dir.Path);
            Assert.Equal(durable, replayed.Select(p => p.Key!.Value.Key));
            var layouts = plans.SelectMany(p => p).ToDictionary(a => a.Key, a => WalNarrowRecordProperties.Layout(a.Batch));
            Assert.All(replayed, p => Assert.Equal(layouts[p.Key!.Value.Key], WalNarrowRecordProperties.Layout(p.Batch)));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(30));
    }

    [Fact]
    public async Task Dispose_WithAppendsStillQueued_WritesThemAll()
    {
        var r = new Random(5);
        var batches = Enumerable.Range(0, 200).Select(_ => WalNarrowRecordProperties.RandomBatch(r, maxEvents: 3, longValues: false)).ToList();
        using var dir = new TempDirectory();
        using var writerHeld = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var durable = 0;
        var wal = new WriteAheadLog(dir.Path, 1, (_, _) =>
        {
            // The writer is held in the first group, so that the other appends are still queued at dispose.
            if (durable++ == 0)
            {
                writerHeld.Set();
                release.Wait();
            }
        }, new StoreMetrics());
        var appends = new List<Task> { wal.AppendAsync(batches[0]) };
        writerHeld.Wait();
        appends.AddRange(batches.Skip(1).Select(b => wal.AppendAsync(b)));

        var disposing = Task.Run(wal.Dispose);
        // Lets the dispose begin while the writer is held; the drain must not depend on it.
        await Task.Delay(100);
        release.Set();
        await disposing;

        // Bounded, so that appends dropped at dispose fail the test instead of hanging it.
        await Task.WhenAll(appends).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(batches.Count, durable);
        Assert.Equal(batches.Select(WalNarrowRecordProperties.Layout), Replay(dir.Path).Select(p => WalNarrowRecordProperties.Layout(p.Batch)));
    }

    [Fact]
    public void Append_AfterDispose_Throws()
    {
        using var dir = new TempDirectory();
        var wal = new WriteAheadLog(dir.Path, 1, (_, _) => { }, new StoreMetrics());
        wal.Dispose();

        // Thrown by the call itself, not by its task.
        Assert.Throws<ObjectDisposedException>(() => { _ = wal.AppendAsync(WalNarrowRecordProperties.RandomBatch(new Random(1))); });
    }

    private static List<(EventBatch Batch, StoredKey? Key)> Replay(string dir)
    {
        var replayed = new List<(EventBatch, StoredKey?)>();
        WalReplay.Replay(dir, 1, Path.Combine(dir, "quarantine"), (b, k) => replayed.Add((b, k)), NullLogger.Instance);
        return replayed;
    }
}
