using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Core;
using Vigie.Ingestion.Service;
using Vigie.Pipelines.Configuration;
using Vigie.Storage.Store;

namespace Vigie.Pipelines.Tests;

/// <summary>
/// Output batches taken from the store's pool: one goes back only once the store has written it to a
/// part and the ingestion service is done with it, never while either still holds it; what was stored
/// is what output batches allocated each time give.
/// </summary>
public sealed class PooledOutputTests : IDisposable
{
    private static readonly Lazy<IReadOnlyList<Pipeline>> BuiltIns = new(PipelineConfigLoader.BuiltInsOnly);
    private static readonly StreamFields Streams = new(["service"]);
    private static readonly long BaseTime = Timestamps.FromDateTime(new DateTime(2026, 11, 25, 10, 0, 0, DateTimeKind.Utc));

    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-pooled-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LogStore OpenStore(string name) =>
        LogStore.Open(new StoreOptions { DataDirectory = Path.Combine(_dir, name), BackgroundMerges = false, FlushInterval = TimeSpan.FromHours(1) });

    /// <summary>An nginx access line, a JSON application log or a line no pipeline selects, by <paramref name="kind"/>.</summary>
    private static (string Service, string Line) Line(int kind, int n) => (kind % 3) switch
    {
        0 => ("nginx", string.Create(CultureInfo.InvariantCulture, $"10.0.{n % 256}.{n % 7 + 1} - - [25/Nov/2026:10:{n % 60:00}:{n * 7 % 60:00} +0100] \"GET /p/{n} HTTP/1.1\" {200 + n % 5} {n} \"-\" \"curl/8.{n % 9}.0\"")),
        1 => ("billing", string.Create(CultureInfo.InvariantCulture, $"{{\"level\":\"{(n % 2 == 0 ? "info" : "WARN")}\",\"msg\":\"order {n} paid\",\"time\":\"2026-11-25T10:00:{n % 60:00}Z\",\"amount\":{n % 300}}}")),
        _ => ("worker", string.Create(CultureInfo.InvariantCulture, $"worker {n % 8} finished job {n}")),
    };

    private static void Fill(EventBatch batch, IEnumerable<(int Kind, int N)> events)
    {
        foreach (var (kind, n) in events)
        {
            var (service, line) = Line(kind, n);
            batch.BeginEvent(BaseTime + n);
            batch.AddField(FieldNames.Message, ValueKind.String, line);
            batch.AddField("service", ValueKind.String, service);
            batch.EndEvent(Streams);
        }
    }

    private static List<LogEvent> ReadAll(LogStore store)
    {
        using var snapshot = store.AcquireSnapshot();
        var events = new List<LogEvent>();
        foreach (var part in snapshot.Parts)
        {
            for (var b = 0; b < part.Reader.Blocks.Count; b++)
            {
                var block = part.Reader.ReadBlock(b);
                for (var r = 0; r < block.RowCount; r++)
                {
                    events.Add(block.ToLogEvent(r));
                }
            }
        }
        return events;
    }

    /// <summary>An event as text, its fields in name order (a part does not keep their order).</summary>
    private static string Describe(LogEvent e) =>
        e.TimeNs + " " + e.Stream.Text + " " + string.Join(" ", e.Fields.Select(f => f.Key + "=" + f.Value.Kind + ":" + f.Value.Text).Order(StringComparer.Ordinal));

    private static List<string> Describe(IEnumerable<LogEvent> events) => [.. events.Select(Describe).Order(StringComparer.Ordinal)];

    /// <summary>What the pipelines make of the batch with an allocated output, straight from the batch (no store).</summary>
    private static IEnumerable<LogEvent> Expected(IEnumerable<(int Kind, int N)> events)
    {
        using var set = new PipelineSet(BuiltIns.Value, new PipelineMetrics());
        var batch = new EventBatch();
        Fill(batch, events);
        return set.Process(batch, "test").Batch.ToLogEvents().ToList();
    }

    // A pooled batch is back in its pool once IsPooled turns false; the pool's count is not a sure
    // sign, the store empties an idle pool every second or so.

    /// <summary>The set, remembering each output batch it handed the ingestion service.</summary>
    private sealed class Recording(PipelineSet set) : IBatchProcessor
    {
        public List<EventBatch> Outputs { get; } = [];

        public ProcessedBatch Process(EventBatch batch, string listener)
        {
            var result = set.Process(batch, listener);
            if (!ReferenceEquals(result.Batch, batch))
            {
                Outputs.Add(result.Batch);
            }
            return result;
        }
    }

    private static (IngestionService Ingestion, Recording Recording) Ingestion(LogStore store, PipelineSet set)
    {
        var recording = new Recording(set);
        return (new IngestionService(store, NullLogger<IngestionService>.Instance) { Processor = recording }, recording);
    }

    [Fact]
    public async Task The_output_batch_returns_to_the_pool_once_stored_and_its_events_survive_its_reuse()
    {
        using var store = OpenStore("one");
        using var set = new PipelineSet(BuiltIns.Value, new PipelineMetrics(), outputs: store.BatchPool);
        var (ingestion, recording) = Ingestion(store, set);
        (int, int)[] first = [.. Enumerable.Range(0, 300).Select(n => (n, n))];

        var input = store.BatchPool.Rent();
        Fill(input, first);
        await ingestion.StoreAsync(input, "test", CancellationToken.None);
        input.Release();

        // The store keeps a copy of its own until the events are in a part: the output is back once
        // stored, and the input, which the store never saw, too.
        var output = Assert.Single(recording.Outputs);
        Assert.NotSame(input, output);
        Assert.False(output.IsPooled);
        Assert.False(input.IsPooled);

        // The next batches reuse them (for input and output) before the first events are in a part;
        // what is stored stays.
        (int, int)[] second = [.. Enumerable.Range(300, 200).Select(n => (n, n))];
        var reused = store.BatchPool.Rent();
        Fill(reused, second);
        await ingestion.StoreAsync(reused, "test", CancellationToken.None);
        reused.Release();
        Assert.False(recording.Outputs[1].IsPooled);
        await store.FlushAsync();

        Assert.Equal(Describe(Expected(first).Concat(Expected(second))), Describe(ReadAll(store)));
    }

    [Fact]
    public async Task An_output_batch_whose_events_were_all_dropped_returns_at_once()
    {
        using var store = OpenStore("drop");
        using var set = new PipelineSet(Run.Config("pipelines:\n  noise:\n    if: 'service:worker'\n    processors:\n      - drop: {}\n"), new PipelineMetrics(), outputs: store.BatchPool);
        var (ingestion, recording) = Ingestion(store, set);
        var input = store.BatchPool.Rent();
        Fill(input, Enumerable.Range(0, 50).Select(n => (2, n)));

        Assert.Equal(0, await ingestion.StoreAsync(input, "test", CancellationToken.None));

        // Nothing reached the store: the output is back at once.
        var output = Assert.Single(recording.Outputs);
        Assert.False(output.IsPooled);
        Assert.Equal(0, Interlocked.Read(ref store.Metrics.EventsAppended));
        input.Release();
    }

    [Fact]
    public async Task An_output_batch_the_store_refuses_returns_too()
    {
        var store = OpenStore("refused");
        using var set = new PipelineSet(BuiltIns.Value, new PipelineMetrics(), outputs: store.BatchPool);
        var (ingestion, recording) = Ingestion(store, set);
        var input = store.BatchPool.Rent();
        Fill(input, Enumerable.Range(0, 50).Select(n => (0, n)));
        store.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await ingestion.StoreAsync(input, "test", CancellationToken.None));

        Assert.False(Assert.Single(recording.Outputs).IsPooled);
        input.Release();
    }

    [Fact]
    public void A_small_batch_gets_an_output_of_its_own_not_a_pooled_one()
    {
        var pool = new EventBatchPool(4097, 4097 * 16, 1024 * 1024, maxPooled: 4);
        using var set = new PipelineSet(BuiltIns.Value, new PipelineMetrics(), outputs: pool);
        var batch = new EventBatch();
        Fill(batch, [(0, 1), (1, 2)]);

        var output = set.Process(batch, "test").Batch;

        Assert.NotSame(batch, output);
        Assert.False(output.IsPooled);
    }

    [Fact]
    public void An_output_batch_is_handed_back_when_the_run_throws_half_way()
    {
        var pool = new EventBatchPool(4097, 4097 * 16, 1024 * 1024, maxPooled: 4);
        using var set = new PipelineSet(BuiltIns.Value, new PipelineMetrics(), outputs: pool);
        var input = pool.Rent();
        Fill(input, Enumerable.Range(0, 100).Select(n => (0, n)));

        Assert.Throws<InvalidOperationException>(() => set.Process(input, "test", new Throwing()));

        // The output rented for the run is back (the pool of this test is never trimmed).
        Assert.Equal(1, pool.Count);
        input.Release();
        Assert.Equal(2, pool.Count);
    }

    /// <summary>A trace that fails on the first step it sees: the run stops half-way through the batch.</summary>
    private sealed class Throwing : IPipelineTrace
    {
        public void Step(Pipeline pipeline, Vigie.Pipelines.Processors.Processor processor, Model.PipelineEvent after, bool skipped, string? error) =>
            throw new InvalidOperationException("trace failed");
    }

    /// <summary>
    /// Batches of random kinds and sizes, with the store flushing after some of them: every output is
    /// back in the pool once stored (the store keeps a copy of its own), so returned batches are
    /// reused for later input and output before the events they held are in a part, and the store
    /// ends with exactly what allocated outputs give. A batch whose buffers the store still read
    /// would change or lose stored events when reused.
    /// </summary>
    [Property(MaxTest = 12)]
    public Property Pooled_outputs_store_what_allocated_ones_do() =>
        Prop.ForAll(
            (from steps in Gen.Choose(1, 6)
             from plan in Gen.ListOf(
                 from size in Gen.Choose(1, 400)
                 from mix in Gen.Choose(0, 3)
                 from flush in Gen.Elements(true, false)
                 select (Size: size, Mix: mix, Flush: flush), steps)
             select plan).ToArbitrary(),
            Gen.Choose(0, 1_000_000).ToArbitrary(),
            (plan, seed) =>
            {
                using var store = OpenStore("p" + Guid.NewGuid().ToString("N"));
                using var set = new PipelineSet(BuiltIns.Value, new PipelineMetrics(), outputs: store.BatchPool);
                var (ingestion, recording) = Ingestion(store, set);
                var random = new Random(seed);
                var expected = new List<LogEvent>();
                var n = 0;
                foreach (var (size, mix, flush) in plan)
                {
                    // mix 3: every kind; else mostly one kind, so that some batches select nothing.
                    var events = Enumerable.Range(0, size).Select(_ => (Kind: mix == 3 ? random.Next(3) : random.Next(10) == 0 ? random.Next(3) : mix, N: n++)).ToList();
                    var input = store.BatchPool.Rent();
                    Fill(input, events);
                    ingestion.StoreAsync(input, "test", CancellationToken.None).AsTask().GetAwaiter().GetResult();
                    input.Release();
                    expected.AddRange(Expected(events));
                    Assert.All(recording.Outputs, o => Assert.False(o.IsPooled, "a stored output batch was not handed back"));
                    recording.Outputs.Clear();
                    if (flush)
                    {
                        store.FlushAsync().GetAwaiter().GetResult();
                    }
                }
                store.FlushAsync().GetAwaiter().GetResult();
                Assert.Equal(Describe(expected), Describe(ReadAll(store)));
            });
}
