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
    private const int MaxDatagramBytes = 65536;

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
    private Task? _receiveLoop;
    private Task _storing = Task.CompletedTask;

    public DatagramListener(string name, IPEndPoint endpoint, IDatagramDecoder decoder, StreamFields streams, IngestionService ingestion, ILogger logger, int flushEvents = 8192)
    {
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
        // A large receive buffer absorbs bursts while a batch is being stored.
        _socket.ReceiveBufferSize = 8 * 1024 * 1024;
        _socket.Bind(_endpoint);
        _receiveLoop = ReceiveLoopAsync();
        _logger.LogInformation("{Listener} listens on {Endpoint} (UDP)", _name, LocalEndPoint);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(MaxDatagramBytes);
        EndPoint any = new IPEndPoint(_endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        string? lastRemoteText = null;
        IPAddress? lastRemote = null;
        Task<SocketReceiveFromResult>? receiving = null;
        while (!_stop.IsCancellationRequested)
        {
            receiving ??= _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).AsTask();
            if (_target.Batch.Count > 0 && !receiving.IsCompleted)
            {
                // Events wait in the batch: store them as soon as the previous store is done, even
                // if no datagram comes to wake this loop.
                if (_storing.IsCompleted)
                {
                    HandOff();
                    continue;
                }
                await Task.WhenAny(receiving, _storing).ConfigureAwait(false);
                continue;
            }
            SocketReceiveFromResult received;
            try
            {
                received = await receiving.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException e)
            {
                receiving = null;
                _logger.LogDebug("{Listener}: receive failed: {Error}", _name, e.Message);
                continue;
            }
            receiving = null;
            Interlocked.Add(ref _counters.Bytes, received.ReceivedBytes);
            Interlocked.Increment(ref _counters.Connections);
            var remote = ((IPEndPoint)received.RemoteEndPoint).Address;
            if (!remote.Equals(lastRemote))
            {
                lastRemote = remote;
                lastRemoteText = remote.ToString();
            }
            if (_target.Batch.Count >= _flushEvents && !_storing.IsCompleted)
            {
                _ingestion.Drop(_name, 1, "the store is slower than the datagrams arrive");
                continue;
            }
            _target.RemoteHost = lastRemoteText;
            _target.NowNs = Timestamps.Now();
            try
            {
                _decoder.Decode(buffer.AsSpan(0, received.ReceivedBytes), _target);
            }
            catch (Exception e)
            {
                // A decoder bug must cost one datagram, never the listener.
                _target.Batch.CancelEvent();
                _target.Reject("decoder failure: " + e.Message);
            }
            Report();
            if (_target.Batch.Count > 0 && _storing.IsCompleted && (_socket.Available == 0 || _target.Batch.Count >= _flushEvents))
            {
                HandOff();
            }
        }
        await _storing.ConfigureAwait(false);
        if (_target.Batch.Count > 0)
        {
            await StoreAsync(_target.Batch).ConfigureAwait(false);
        }
    }

    private void HandOff()
    {
        var batch = _target.Batch;
        _target.Batch = new EventBatch(Math.Min(batch.Count * 2, _flushEvents), 16, 4096);
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
        if (_receiveLoop is not null)
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        _stop.Dispose();
    }
}
