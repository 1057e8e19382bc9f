using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Vigie.Agent.Hosting;

/// <summary>
/// The agent's own tiny HTTP/1.1 server: <c>GET /healthz</c> and <c>GET /metrics</c>, one request per
/// connection. Hand-made on a socket rather than a web host: two read-only pages do not justify the
/// megabytes of a full HTTP stack in an agent meant to stay small on every machine.
/// </summary>
internal sealed class LocalEndpoint : IAsyncDisposable
{
    private const int MaxRequestBytes = 8 * 1024;

    private readonly TcpListener _listener;
    private readonly Func<string> _metrics;
    private readonly Func<bool> _healthy;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;

    public LocalEndpoint(IPEndPoint endpoint, Func<string> metrics, Func<bool> healthy, ILogger logger)
    {
        _listener = new TcpListener(endpoint);
        _metrics = metrics;
        _healthy = healthy;
        _logger = logger;
    }

    public IPEndPoint Bound => (IPEndPoint)_listener.LocalEndpoint;

    public void Start()
    {
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e)
            {
                _logger.LogWarning("local endpoint: accept failed: {Reason}", e.Message);
                continue;
            }
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                var buffer = new byte[MaxRequestBytes];
                var length = 0;
                while (length < buffer.Length && buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) < 0)
                {
                    var read = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return;
                    }
                    length += read;
                }
                var (status, type, body) = Answer(buffer.AsSpan(0, length));
                var bytes = Encoding.UTF8.GetBytes(body);
                var head = $"HTTP/1.1 {status}\r\nContent-Type: {type}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
                await socket.SendAsync(Encoding.ASCII.GetBytes(head), timeout.Token).ConfigureAwait(false);
                await socket.SendAsync(bytes, timeout.Token).ConfigureAwait(false);
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
            {
                // A client that went away or was too slow: nothing to answer.
            }
        }
    }

    private (string Status, string Type, string Body) Answer(ReadOnlySpan<byte> request)
    {
        var lineEnd = request.IndexOf("\r\n"u8);
        var parts = Encoding.ASCII.GetString(lineEnd < 0 ? request : request[..lineEnd]).Split(' ');
        if (parts.Length < 2 || parts[0] is not ("GET" or "HEAD"))
        {
            return ("405 Method Not Allowed", "text/plain; charset=utf-8", "only GET /healthz and GET /metrics\n");
        }
        var path = parts[1].Split('?')[0];
        return path switch
        {
            "/healthz" => _healthy()
                ? ("200 OK", "text/plain; charset=utf-8", "ok\n")
                : ("503 Service Unavailable", "text/plain; charset=utf-8", "the buffer cannot be written (disk full?)\n"),
            "/metrics" => ("200 OK", "text/plain; version=0.0.4; charset=utf-8", _metrics()),
            _ => ("404 Not Found", "text/plain; charset=utf-8", "not found; try /healthz or /metrics\n"),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }
}
