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
        _store = LogStore.Open(new StoreOptions { DataDirectory = _dir });
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
