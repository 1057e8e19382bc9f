using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Core;
using Vigie.Ingestion.Fluent;
using Vigie.Ingestion.Listeners;
using Vigie.Ingestion.Service;
using Vigie.Ingestion.Tests.Fluent;
using Vigie.Storage.Store;
using Xunit.Abstractions;

namespace Vigie.Ingestion.Tests.Listeners;

/// <summary>
/// A TCP listener in front of a store that cannot keep up: the listener reads no further ahead than one
/// frame buffer and two batches (one being stored, one filling) per connection, and every chunk it
/// acknowledges is already durable.
/// </summary>
public sealed class StreamBackpressureTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Connections = 4;
    private const int ChunksPerConnection = 24;
    private const int EventsPerChunk = 400;
    private const int FlushEvents = 800;
    private const int MaxFrameBytes = 256 * 1024;

    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-backpressure-").FullName;
    private LogStore _store = null!;
    private IngestionService _ingestion = null!;
    private StreamListener _listener = null!;

    public Task InitializeAsync()
    {
        // The slowed store: it takes at most 256 KB more than what its flush, every 200 ms, wrote to parts.
        _store = LogStore.Open(new StoreOptions
        {
            DataDirectory = _dir,
            FlushInterval = TimeSpan.FromMilliseconds(200),
            MemtableFlushBytes = long.MaxValue,
            MaxUnflushedBytes = 256 * 1024,
            BackgroundMerges = false,
        });
        _ingestion = new IngestionService(_store, NullLogger<IngestionService>.Instance);
        _listener = new StreamListener(new StreamListenerOptions
        {
            Name = "fluent",
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            NewDecoder = () => new FluentForwardDecoder(MaxFrameBytes),
            Streams = StreamFields.Parse("tag"),
            MaxFrameBytes = MaxFrameBytes,
            FlushEvents = FlushEvents,
        }, _ingestion, NullLogger.Instance);
        _listener.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _listener.DisposeAsync();
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A Forward-mode message: <c>[tag, [[time, record] x EventsPerChunk], {chunk: id}]</c>.</summary>
    private static byte[] Chunk(int connection, int chunk)
    {
        var m = new MsgPack().Array(3).Str("backpressure").Array(EventsPerChunk);
        for (var i = 0; i < EventsPerChunk; i++)
        {
            m.Array(2).Int(1_764_064_800 + i).Map(2)
                .Str("log").Str($"connection {connection} chunk {chunk} event {i} " + new string('p', 120))
                .Str("id").Str($"c{connection}-k{chunk}-e{i}");
        }
        return m.Map(1).Str("chunk").Str($"c{connection}-k{chunk}").ToArray();
    }

    [Fact]
    public async Task SlowStore_ListenerReadsOnlyWhatItCanStore_AndAcknowledgesOnlyDurableChunks()
    {
        var chunkBytes = Chunk(0, 0).Length;
        var acked = 0L;
        var ackedBeforeDurable = new ConcurrentBag<string>();
        var counters = _ingestion.Metrics.For("fluent");
        var heldPeak = 0L;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                // Bytes read from the sockets but not yet in the store: what the listener holds.
                var stored = Interlocked.Read(ref _store.Metrics.EventsAppended);
                var held = Interlocked.Read(ref counters.Bytes) - stored * chunkBytes / EventsPerChunk;
                heldPeak = Math.Max(heldPeak, held);
                await Task.Delay(5);
            }
        });

        var clock = Stopwatch.StartNew();
        var senders = Enumerable.Range(0, Connections).Select(c => Task.Run(async () =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync(_listener.LocalEndPoint);
            var stream = client.GetStream();
            // Write every chunk without waiting for acks (as a pipelining sender does); read acks meanwhile.
            var writing = Task.Run(async () =>
            {
                for (var k = 0; k < ChunksPerConnection; k++)
                {
                    await stream.WriteAsync(Chunk(c, k));
                }
            });
            var reply = new MsgPack();
            for (var k = 0; k < ChunksPerConnection; k++)
            {
                var expected = new MsgPack().Map(1).Str("ack").Str($"c{c}-k{k}").ToArray();
                var buffer = new byte[expected.Length];
                await stream.ReadExactlyAsync(buffer);
                Assert.Equal(expected, buffer);
                // Everything acknowledged so far, by every connection, must already be durable.
                var total = Interlocked.Add(ref acked, EventsPerChunk);
                if (Interlocked.Read(ref _store.Metrics.EventsAppended) < total)
                {
                    ackedBeforeDurable.Add($"c{c}-k{k}");
                }
            }
            await writing;
        })).ToList();
        await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(60));
        var elapsed = clock.Elapsed;
        await sampling.CancelAsync();
        await sampler;

        var totalBytes = (long)Connections * ChunksPerConnection * chunkBytes;
        // Per connection: one frame buffer, plus two batches of up to FlushEvents events and the chunk that crossed it.
        var bound = Connections * (MaxFrameBytes + 64 + 2L * (FlushEvents + EventsPerChunk) * chunkBytes / EventsPerChunk);
        output.WriteLine($"{totalBytes} bytes in {elapsed.TotalSeconds:F1} s; the listener held at most {heldPeak} bytes (bound {bound}); {_store.Metrics.Flushes} flushes");
        Assert.Empty(ackedBeforeDurable);
        Assert.True(heldPeak > 0, "the sampler saw nothing held: it measured nothing");
        Assert.True(heldPeak <= bound, $"the listener held {heldPeak} bytes at its peak; bound {bound}; {totalBytes} bytes were sent in {elapsed}");
        Assert.True(bound < totalBytes / 2, "the bound must be well below what was sent, or the test proves nothing");
        // The store counts the waits that slowed the senders, and their time (what /metrics shows).
        Assert.True(Interlocked.Read(ref _store.Metrics.BackPressureWaits) > 0, "the slowed store never made an append wait");
        Assert.True(Interlocked.Read(ref _store.Metrics.BackPressureWaitTicks) > 0);

        await _store.FlushAsync();
        using var snapshot = _store.AcquireSnapshot();
        var ids = new List<string>();
        foreach (var part in snapshot.Parts)
        {
            for (var b = 0; b < part.Reader.Blocks.Count; b++)
            {
                var block = part.Reader.ReadBlock(b);
                for (var r = 0; r < block.RowCount; r++)
                {
                    ids.Add(block.ToLogEvent(r).Fields.Single(f => f.Key == "id").Value.Text);
                }
            }
        }
        Assert.Equal(Connections * ChunksPerConnection * EventsPerChunk, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
