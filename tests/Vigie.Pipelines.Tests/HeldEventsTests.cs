using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Core;
using Vigie.Ingestion.Service;
using Vigie.Query.Engine;
using Vigie.Query.Rows;
using Vigie.Storage.Store;

namespace Vigie.Pipelines.Tests;

/// <summary>Multiline through the real ingestion service and store: a held line is acknowledged only once stored.</summary>
public sealed class HeldEventsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-held-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static EventBatch Batch(params string[] lines)
    {
        var b = new EventBatch();
        foreach (var line in lines)
        {
            b.BeginEvent(Timestamps.Now());
            b.AddField("_msg", ValueKind.String, line);
            b.AddField("service", ValueKind.String, "app");
            b.EndEvent(new StreamFields(["service"]));
        }
        return b;
    }

    [Fact]
    public async Task A_request_whose_last_line_is_held_is_answered_once_the_joined_event_is_durable()
    {
        using var store = LogStore.Open(new StoreOptions { DataDirectory = _dir });
        var ingestion = new IngestionService(store, NullLogger<IngestionService>.Instance);
        using var set = new PipelineSet(
            Run.Config("pipelines:\n  java:\n    if: 'service:app'\n    processors:\n      - multiline: {continuation: '^\\s', timeout: 3}\n"),
            new PipelineMetrics(),
            async (batch, listener) =>
            {
                await store.AppendAsync(batch);
                Interlocked.Add(ref ingestion.Metrics.For(listener).Accepted, batch.Count);
            });
        ingestion.Processor = set;

        // The timeout is long enough that the second request always comes before it, even on a busy machine.
        var first = ingestion.StoreAsync(Batch("ERROR a", "  at x"), "test", CancellationToken.None).AsTask();
        await Task.Delay(100);
        Assert.False(first.IsCompleted, "the held line was acknowledged before it was stored");
        var second = ingestion.StoreAsync(Batch("  at y", "INFO b"), "test", CancellationToken.None).AsTask();
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));

        // Stored events become searchable at the store's next flush (every 0.5 s).
        var engine = new QueryEngine(store);
        List<string> messages;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        do
        {
            messages = [.. engine.ExecuteAll(new QueryRequest(Vigie.Query.Syntax.Query.Parse("service:app"), Timestamps.Now()))
                .OfType<EventRow>().Select(r => r.Event.Message).Order(StringComparer.Ordinal)];
            await Task.Delay(50);
        }
        while (messages.Count < 2 && DateTime.UtcNow < deadline);
        Assert.Equal(["ERROR a\n  at x\n  at y", "INFO b"], messages);
        Assert.Equal(2, Interlocked.Read(ref ingestion.Metrics.For("test").Accepted));
    }
}
