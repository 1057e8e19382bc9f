using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Core;
using Vigie.Ingestion.Service;
using Vigie.Storage.Store;

namespace Vigie.Ingestion.Tests.Service;

public sealed class IngestionServiceTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "vigie-ingestion-" + Guid.NewGuid().ToString("N"));
    private readonly LogStore _store;
    private readonly IngestionService _service;

    public IngestionServiceTests()
    {
        // Flushed by the tests that need it: a pooled batch is held by the store until its flush.
        _store = LogStore.Open(new StoreOptions { DataDirectory = _dir, FlushInterval = TimeSpan.FromHours(1) });
        _service = new IngestionService(_store, NullLogger<IngestionService>.Instance);
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static EventBatch Batch(params string[] messages)
    {
        var batch = new EventBatch();
        var streams = new StreamFields(["host"]);
        foreach (var m in messages)
        {
            batch.BeginEvent(Timestamps.Now());
            batch.AddField("host", ValueKind.String, "h1");
            batch.AddField(FieldNames.Message, ValueKind.String, m);
            batch.EndEvent(streams);
        }
        return batch;
    }

    private long StoredEvents() => Interlocked.Read(ref _store.Metrics.EventsAppended);

    [Fact]
    public async Task StoreAsync_StoresDurablyAndCountsPerListener()
    {
        var stored = await _service.StoreAsync(Batch("a", "b", "c"), "syslog-tcp", CancellationToken.None);
        await _service.StoreAsync(Batch("d"), "gelf-udp", CancellationToken.None);

        Assert.Equal(3, stored);
        Assert.Equal(4, StoredEvents());
        Assert.Equal(3, _service.Metrics.For("syslog-tcp").Accepted);
        Assert.Equal(1, _service.Metrics.For("gelf-udp").Accepted);
        Assert.Equal(["gelf-udp", "syslog-tcp"], _service.Metrics.Snapshot().Select(p => p.Key));
    }

    [Fact]
    public async Task StoreAsync_WithProcessor_StoresWhatTheProcessorReturns()
    {
        _service.Processor = new KeepEvery(2);

        var stored = await _service.StoreAsync(Batch("a", "b", "c", "d", "e"), "api", CancellationToken.None);

        Assert.Equal(3, stored);
        Assert.Equal(3, StoredEvents());
        Assert.Equal(3, _service.Metrics.For("api").Accepted);
    }

    [Fact]
    public async Task StoreAsync_EmptyBatch_StoresNothing()
    {
        Assert.Equal(0, await _service.StoreAsync(new EventBatch(), "api", CancellationToken.None));
        Assert.Equal(0, StoredEvents());
    }

    [Fact]
    public void RejectAndDrop_AreCountedSeparately()
    {
        _service.Reject("gelf-udp", 2, "bad gzip header");
        _service.Reject("gelf-udp", 1, "bad gzip header");
        _service.Drop("gelf-udp", 5, "store full");

        var counters = _service.Metrics.For("gelf-udp");
        Assert.Equal(3, counters.Rejected);
        Assert.Equal(5, counters.Dropped);
        Assert.Equal(0, counters.Accepted);
    }

    // A pooled batch is back in its pool (or left to the collector) once IsPooled turns false; the
    // pool's count is not a sure sign, the store empties an idle pool every second or so.

    [Fact]
    public async Task StoreAsync_PooledOutput_IsHandedBackOnceStored()
    {
        var processor = new PooledCopy(_store.BatchPool);
        _service.Processor = processor;

        Assert.Equal(2, await _service.StoreAsync(Batch("a", "b"), "api", CancellationToken.None));

        // The service gave up its reference, and the store keeps a copy of its own until the events
        // are in a part: the pooled output is free at once, and the events are still stored.
        Assert.False(processor.Last!.IsPooled);
        await _store.FlushAsync();
        Assert.Equal(2, StoredEvents());
    }

    [Fact]
    public async Task StoreAsync_PooledOutput_IsHandedBackWhenHeldEventsFail()
    {
        var processor = new PooledCopy(_store.BatchPool, held: Task.FromException(new IOException("disk gone")));
        _service.Processor = processor;

        await Assert.ThrowsAsync<IOException>(async () => await _service.StoreAsync(Batch("a"), "api", CancellationToken.None));

        Assert.False(processor.Last!.IsPooled);
        await _store.FlushAsync();
        Assert.Equal(1, StoredEvents());
    }

    [Fact]
    public async Task StoreOnceAsync_PooledOutput_IsHandedBackWhenItsHeldEventsFailBeforeItIsStored()
    {
        var processor = new PooledCopy(_store.BatchPool, held: Task.FromException(new IOException("disk gone")));
        _service.Processor = processor;

        await Assert.ThrowsAsync<IOException>(async () => await _service.StoreOnceAsync(Batch("a"), "api", "key-1", CancellationToken.None));

        // Never appended: back at once, nothing stored.
        Assert.False(processor.Last!.IsPooled);
        Assert.Equal(0, StoredEvents());
    }

    [Fact]
    public async Task StoreOnceAsync_PooledOutput_IsHandedBackOnceStored()
    {
        var processor = new PooledCopy(_store.BatchPool);
        _service.Processor = processor;

        var result = await _service.StoreOnceAsync(Batch("a", "b", "c"), "api", "key-2", CancellationToken.None);

        Assert.Equal(3, result.Stored);
        Assert.False(processor.Last!.IsPooled);
        await _store.FlushAsync();
        Assert.Equal(3, StoredEvents());
    }

    /// <summary>A processor of this test's own: copies the batch into one rented from <paramref name="pool"/>.</summary>
    private sealed class PooledCopy(EventBatchPool pool, Task? held = null) : IBatchProcessor
    {
        public EventBatch? Last { get; private set; }

        public ProcessedBatch Process(EventBatch batch, string listener)
        {
            var output = pool.Rent();
            foreach (var e in batch.ToLogEvents())
            {
                output.Add(e);
            }
            Last = output;
            return new ProcessedBatch(output, held);
        }
    }

    /// <summary>A processor of this test's own: keeps events 0, n, 2n, ... in a new batch.</summary>
    private sealed class KeepEvery(int n) : IBatchProcessor
    {
        public ProcessedBatch Process(EventBatch batch, string listener)
        {
            var kept = new EventBatch();
            for (var i = 0; i < batch.Count; i += n)
            {
                kept.Add(batch.ToLogEvent(i));
            }
            return new ProcessedBatch(kept);
        }
    }
}
