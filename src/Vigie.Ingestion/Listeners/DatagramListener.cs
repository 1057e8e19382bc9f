using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Vigie.Core;
using Vigie.Ingestion.Service;
using Vigie.Storage;

namespace Vigie.Ingestion.Listeners;

/// <summary>
/// A UDP listener: datagrams are decoded into a batch that is stored while the next one fills. UDP
/// cannot slow its senders: when a batch is full and the previous one is still being stored, new
/// datagrams are dropped and counted (<c>vigie_listener_dropped_total</c>), never silently lost.
/// </summary>
public sealed class DatagramListener : IAsyncDisposable
{
    /// <summary>Events held while the previous batch is being stored; past this, datagrams are dropped (and counted).</summary>
    private const int MaxPendingEvents = 65536;

    private readonly string _name;
    private readonly IPEndPoint _endpoint;
    private readonly IDatagramDecoder _decoder;
    private readonly IngestionService _ingestion;
    private readonly ILogger _logger;
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly ListenerCounters _counters;
    private readonly DecodeTarget _target;
    private readonly int _flushEvents;
    private readonly int _receiveBufferBytes;
    private DatagramReceiver? _receiver;
    private Thread? _receiveLoop;
    private Task _storing = Task.CompletedTask;

    public DatagramListener(string name, IPEndPoint endpoint, IDatagramDecoder decoder, StreamFields streams, IngestionService ingestion, ILogger logger, int flushEvents = 8192, int receiveBufferBytes = ReceiveBuffer.DefaultBytes)
    {
        _receiveBufferBytes = receiveBufferBytes;
        _name = name;
        _endpoint = endpoint;
        _decoder = decoder;
        _ingestion = ingestion;
        _logger = logger;
        _flushEvents = flushEvents;
        _counters = ingestion.Metrics.For(name);
        _target = new DecodeTarget(streams);
        _socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public string Name => _name;

    public void Start()
    {
        _socket.Bind(_endpoint);
        ReceiveBuffer.Enlarge(_socket, _receiveBufferBytes, _name, _logger);
        _receiver = DatagramReceiver.For(_socket);
        _receiveLoop = new Thread(ReceiveLoop) { IsBackground = true, Name = _name };
        _receiveLoop.Start();
        _logger.LogInformation("{Listener} listens on {Endpoint} (UDP)", _name, LocalEndPoint);
    }

    /// <summary>
    /// A thread of its own: it takes every datagram waiting (several per system call), decodes them,
    /// and sleeps only once the socket is drained. For small datagrams at high rates this is several
    /// times cheaper than an async receive per datagram.
    /// </summary>
    private void ReceiveLoop()
    {
        var receiver = _receiver!;
        var senders = new SenderNames(_endpoint.AddressFamily);
        long reportedKernelDrops = 0;
        while (!_stop.IsCancellationRequested)
        {
            int received;
            try
            {
                received = receiver.ReceiveWaiting();
                if (received == 0)
                {
                    // Nothing waits: store what the batch holds, then sleep until a datagram comes (or
                    // a tenth of a second passes, to hand off a batch once the previous store is done).
                    if (_target.Batch.Count > 0 && _storing.IsCompleted)
                    {
                        HandOff();
                    }
                    _socket.Poll(100_000, SelectMode.SelectRead);
                    continue;
                }
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException e)
            {
                if (_stop.IsCancellationRequested)
                {
                    break;
                }
                _logger.LogDebug("{Listener}: receive failed: {Error}", _name, e.Message);
                continue;
            }
            var kernelDrops = receiver.KernelDrops;
            if (kernelDrops > reportedKernelDrops)
            {
                _ingestion.Drop(_name, (int)Math.Min(int.MaxValue, kernelDrops - reportedKernelDrops), "the socket's receive buffer overflowed before the datagrams could be read (see net.core.rmem_max)");
                reportedKernelDrops = kernelDrops;
            }
            for (var i = 0; i < received; i++)
            {
                Accept(receiver.Datagram(i), senders.NameOf(receiver.Sender(i)));
            }
            if (_target.Batch.Count >= _flushEvents && _storing.IsCompleted)
            {
                HandOff();
            }
        }
        _storing.GetAwaiter().GetResult();
        if (_target.Batch.Count > 0)
        {
            StoreAsync(_target.Batch).GetAwaiter().GetResult();
        }
    }

    private void Accept(ReadOnlySpan<byte> datagram, string? sender)
    {
        Interlocked.Add(ref _counters.Bytes, datagram.Length);
        Interlocked.Increment(ref _counters.Connections);
        if (_target.Batch.Count >= MaxPendingEvents)
        {
            _ingestion.Drop(_name, 1, "the store is slower than the datagrams arrive");
            return;
        }
        _target.RemoteHost = sender;
        _target.NowNs = Timestamps.Now();
        try
        {
            _decoder.Decode(datagram, _target);
        }
        catch (Exception e)
        {
            // A decoder bug must cost one datagram, never the listener.
            _target.Batch.CancelEvent();
            _target.Reject("decoder failure: " + e.Message);
        }
        if (_target.Rejected > 0)
        {
            Report();
        }
    }

    private void HandOff()
    {
        var batch = _target.Batch;
        _target.Batch = new EventBatch(Math.Min(batch.Count * 2, _flushEvents), Math.Min(batch.TotalFields * 2, _flushEvents * 16), Math.Min(batch.ValueBytes * 2, 4 << 20));
        _storing = StoreAsync(batch);
    }

    private async Task StoreAsync(EventBatch batch)
    {
        try
        {
            await _ingestion.StoreAsync(batch, _name, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StorageFullException e)
        {
            _ingestion.Drop(_name, batch.Count, "the store refuses events: " + e.Message);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "{Listener}: storing a batch failed", _name);
            _ingestion.Drop(_name, batch.Count, "storing failed: " + e.Message);
        }
    }

    private void Report()
    {
        var (count, reason) = _target.TakeRejections();
        if (count > 0)
        {
            _ingestion.Reject(_name, count, $"from {_target.RemoteHost}: {reason}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await Task.Run(() => _receiveLoop?.Join()).ConfigureAwait(false);
        _receiver?.Dispose();
        _stop.Dispose();
    }
}
