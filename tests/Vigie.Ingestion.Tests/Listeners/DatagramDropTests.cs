using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Core;
using Vigie.Ingestion.Listeners;
using Vigie.Ingestion.Service;
using Vigie.Ingestion.Syslog;
using Vigie.Storage.Store;
using Xunit.Abstractions;

namespace Vigie.Ingestion.Tests.Listeners;

/// <summary>
/// A UDP listener whose receive thread stalls while datagrams pour in: the kernel drops what its small
/// receive buffer cannot hold, and every one of those is counted, so that stored + dropped = sent.
/// </summary>
public sealed class DatagramDropTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Burst = 3000;

    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-udp-drops-").FullName;
    private readonly StallingDecoder _decoder = new(new SyslogDatagramDecoder());
    private LogStore _store = null!;
    private IngestionService _ingestion = null!;
    private DatagramListener _listener = null!;

    public Task InitializeAsync()
    {
        _store = LogStore.Open(new StoreOptions { DataDirectory = _dir, BackgroundMerges = false });
        _ingestion = new IngestionService(_store, NullLogger<IngestionService>.Instance);
        // A receive buffer of a few datagrams: most of the burst cannot wait in it.
        _listener = new DatagramListener("syslog-udp", new IPEndPoint(IPAddress.Loopback, 0), _decoder, StreamFields.Parse("host,service"), _ingestion, NullLogger.Instance, flushEvents: 500, receiveBufferBytes: 4096);
        _listener.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _decoder.Release();
        await _listener.DisposeAsync();
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static byte[] Message(int i) => Encoding.UTF8.GetBytes($"<14>1 2026-11-25T10:00:00.000Z - app - - - message {i} " + new string('x', 200));

    [Fact]
    public async Task DatagramsTheKernelDropsAreCounted_StoredPlusDroppedIsSent()
    {
        var counters = _ingestion.Metrics.For("syslog-udp");
        using var sender = new UdpClient(AddressFamily.InterNetwork);
        sender.Connect(_listener.LocalEndPoint);

        // The first datagram stalls the receive thread; the burst arrives while it is stalled.
        await sender.SendAsync(Message(0));
        await _decoder.Stalled.WaitAsync(TimeSpan.FromSeconds(10));
        for (var i = 1; i < Burst; i++)
        {
            await sender.SendAsync(Message(i));
        }
        _decoder.Release();

        // The kernel tells the count of drops with a datagram queued after them (the burst's survivors were
        // queued before): markers go until one is queued after the drops and brings the count.
        var sent = Burst;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Interlocked.Read(ref counters.Accepted) + Interlocked.Read(ref counters.Dropped) != sent)
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out: sent {sent}, stored {Interlocked.Read(ref counters.Accepted)}, dropped {Interlocked.Read(ref counters.Dropped)}");
            await sender.SendAsync(Message(sent++));
            await Task.Delay(100);
        }

        var accepted = Interlocked.Read(ref counters.Accepted);
        var dropped = Interlocked.Read(ref counters.Dropped);
        output.WriteLine($"sent {sent}, stored {accepted}, dropped and counted {dropped}");
        Assert.True(dropped > 0, "the small receive buffer should have overflowed: the test proved nothing");
        Assert.True(accepted > 1, "some of the burst should have been stored");
        Assert.Equal(sent, accepted + dropped);
        Assert.Equal(accepted, Interlocked.Read(ref _store.Metrics.EventsAppended));
    }

    /// <summary>Decodes as the real decoder does, but holds the receive thread at the first datagram until released.</summary>
    private sealed class StallingDecoder(IDatagramDecoder inner) : IDatagramDecoder
    {
        private readonly ManualResetEventSlim _gate = new(false);
        private readonly SemaphoreSlim _stalled = new(0);
        private int _calls;

        public SemaphoreSlim Stalled => _stalled;

        public void Release() => _gate.Set();

        public void Decode(ReadOnlySpan<byte> datagram, DecodeTarget target)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                _stalled.Release();
                _gate.Wait(TimeSpan.FromSeconds(30));
            }
            inner.Decode(datagram, target);
        }
    }
}
