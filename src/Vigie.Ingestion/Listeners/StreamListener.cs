using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Vigie.Core;
using Vigie.Ingestion.Service;

namespace Vigie.Ingestion.Listeners;

/// <summary>
/// A TCP (optionally TLS) listener: each connection is read into a bounded buffer and decoded into a
/// batch; a full batch is stored (durably) while the next one fills, and that one is not stored before
/// the first is durable, so a slow store slows the senders and a connection never holds more than one
/// frame and two batches in memory.
/// </summary>
public sealed class StreamListener : IAsyncDisposable
{
    private const int InitialBufferBytes = 16 * 1024;

    /// <summary>
    /// A connection whose reads keep filling its buffer gets a larger one, up to this: with 16 KB reads
    /// a fast sender's batches stayed small, and each one waited for its own fsync.
    /// </summary>
    private const int ReadAheadBytes = 256 * 1024;

    private readonly StreamListenerOptions _options;
    private readonly IngestionService _ingestion;
    private readonly ILogger _logger;
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly ListenerCounters _counters;
    private Task? _acceptLoop;
    private int _open;

    public StreamListener(StreamListenerOptions options, IngestionService ingestion, ILogger logger)
    {
        _options = options;
        _ingestion = ingestion;
        _logger = logger;
        _counters = ingestion.Metrics.For(options.Name);
        _socket = new Socket(options.Endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
    }

    /// <summary>The bound address (its port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public string Name => _options.Name;

    public void Start()
    {
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(_options.Endpoint);
        _socket.Listen(512);
        _acceptLoop = AcceptLoopAsync();
        _logger.LogInformation("{Listener} listens on {Endpoint}{Tls}", _options.Name, LocalEndPoint, _options.Tls is null ? "" : " (TLS)");
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                _logger.LogWarning("{Listener}: accept failed: {Error}", _options.Name, e.Message);
                continue;
            }
            if (Interlocked.Increment(ref _open) > _options.MaxConnections)
            {
                Interlocked.Decrement(ref _open);
                _ingestion.Reject(_options.Name, 0, $"connection from {client.RemoteEndPoint} refused: {_options.MaxConnections} connections already open");
                client.Dispose();
                continue;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        Interlocked.Increment(ref _counters.Connections);
        Interlocked.Increment(ref _counters.OpenConnections);
        var remote = (client.RemoteEndPoint as IPEndPoint)?.Address.ToString();
        Stream stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            if (_options.Tls is { } tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                handshake.CancelAfter(TimeSpan.FromSeconds(30));
                await ssl.AuthenticateAsServerAsync(tls, handshake.Token).ConfigureAwait(false);
            }
            await ReadLoopAsync(stream, client, remote).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
        {
            if (!_stop.IsCancellationRequested)
            {
                _logger.LogDebug("{Listener}: connection from {Remote} ended: {Error}", _options.Name, remote, e.Message);
            }
        }
        catch (InvalidDataException e)
        {
            // A stream that cannot be framed any more (e.g. not MessagePack): nothing after can be trusted.
            _ingestion.Reject(_options.Name, 1, $"from {remote}: {e.Message}; connection closed");
        }
        catch (Exception e)
        {
            // A decoder bug must cost one connection, never the listener.
            _logger.LogError(e, "{Listener}: connection from {Remote} failed", _options.Name, remote);
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            Interlocked.Decrement(ref _counters.OpenConnections);
            Interlocked.Decrement(ref _open);
        }
    }

    private async Task ReadLoopAsync(Stream stream, Socket client, string? remote)
    {
        var decoder = _options.NewDecoder();
        var target = new DecodeTarget(_options.Streams) { RemoteHost = remote };
        var maxBuffer = _options.MaxFrameBytes + 64;
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
        var inFlight = new InFlightStore();
        try
        {
            int start = 0, end = 0;
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            while (true)
            {
                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }
                if (end == buffer.Length)
                {
                    if (buffer.Length >= maxBuffer)
                    {
                        if (!decoder.Overflow(buffer.AsSpan(0, end), target))
                        {
                            Report(target);
                            return;
                        }
                        end = 0;
                        Report(target);
                    }
                    else
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBuffer));
                        buffer.AsSpan(0, end).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                }
                idle.CancelAfter(_options.IdleTimeout);
                var read = await stream.ReadAsync(buffer.AsMemory(end), idle.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    target.NowNs = Timestamps.Now();
                    decoder.DecodeLast(buffer.AsSpan(start, end - start), target);
                    await FlushAsync(target, decoder, stream, inFlight, untilDurable: true).ConfigureAwait(false);
                    return;
                }
                var filled = end + read == buffer.Length;
                Interlocked.Add(ref _counters.Bytes, read);
                end += read;
                target.NowNs = Timestamps.Now();
                try
                {
                    start += decoder.Decode(buffer.AsSpan(start, end - start), target);
                }
                catch (InvalidDataException)
                {
                    // The stream cannot be framed any more: keep the good events read before, then close.
                    await FlushAsync(target, decoder, stream, inFlight, untilDurable: true).ConfigureAwait(false);
                    throw;
                }
                // Store before reading more, unless more bytes already wait and the batch is small:
                // one store per read would make small batches under load.
                if (target.Batch.Count >= _options.FlushEvents || client.Available == 0 || _options.Tls is not null)
                {
                    await FlushAsync(target, decoder, stream, inFlight, untilDurable: false).ConfigureAwait(false);
                }
                if (filled && buffer.Length < ReadAheadBytes && buffer.Length < maxBuffer)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(ReadAheadBytes, maxBuffer));
                    buffer.AsSpan(start, end - start).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                    end -= start;
                    start = 0;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            // A connection that broke still stores what it had read; its reply has nowhere to go.
            await inFlight.AbandonAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts storing the batch once the previous one is durable (and its reply sent); with
    /// <paramref name="untilDurable"/>, also waits for this one, as the connection ends.
    /// </summary>
    /// <summary>
    /// Starts storing the batch once the previous one is durable (and its reply sent); with
    /// <paramref name="untilDurable"/>, also waits for this one, as the connection ends.
    /// </summary>
    private async ValueTask FlushAsync(DecodeTarget target, IStreamDecoder decoder, Stream stream, InFlightStore inFlight, bool untilDurable)
    {
        Report(target);
        await inFlight.CompleteAsync().ConfigureAwait(false);
        var batch = target.Batch;
        var reply = decoder.TakeReply();
        if (batch.Count > 0)
        {
            target.Batch = new EventBatch(Math.Min(batch.Count, 8192), Math.Min(batch.TotalFields, 65536), Math.Min(batch.ValueBytes, 4 << 20));
            inFlight.Start(() => BatchStorer.StoreUntilDoneAsync(_ingestion, batch, _options.Name, _logger, _stop.Token).AsTask(), reply, stream, _stop.Token);
        }
        else if (!reply.IsEmpty)
        {
            await stream.WriteAsync(reply, _stop.Token).ConfigureAwait(false);
        }
        if (untilDurable)
        {
            await inFlight.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void Report(DecodeTarget target)
    {
        var (count, reason) = target.TakeRejections();
        if (count > 0)
        {
            _ingestion.Reject(_options.Name, count, $"from {target.RemoteHost}: {reason}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        _stop.Dispose();
    }
}
