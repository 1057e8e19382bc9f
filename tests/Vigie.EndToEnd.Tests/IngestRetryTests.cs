using System.Net;
using System.Net.Sockets;

namespace Vigie.EndToEnd.Tests;

/// <summary>
/// <c>vigie ingest</c> whose first answer is lost on the way back: it sends the batch again with the
/// same Idempotency-Key, and the real server stores it once.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class IngestRetryTests(CliBuild cli) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-e2e-retry-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AnswerLost_BatchSentAgainAndStoredOnce()
    {
        using var server = await VigieProcess.StartAsync(cli, Path.Combine(_dir, "data"));
        await using var proxy = AnswerDroppingProxy.Start(server.Address, dropFirstAnswers: 1);
        var file = Path.Combine(_dir, "lines.log");
        await File.WriteAllLinesAsync(file, Enumerable.Range(1, 50).Select(i => $"resent line {i}"));

        var (code, output, error) = await cli.RunAsync("ingest", "--server", proxy.Address.ToString(), file);

        Assert.True(code == 0, output + error);
        Assert.Equal(2, proxy.Requests);
        var rows = await server.QueryUntilAsync("resent", r => r.Count >= 50);
        await Task.Delay(1500); // a second copy, were there one, would be searchable by now
        rows = await server.QueryUntilAsync("resent", r => r.Count >= 50);
        Assert.Equal(50, rows.Count);
        Assert.Equal(1, await server.MetricAsync("vigie_listener_duplicate_requests_total{listener=\"api\"}"));
    }

    /// <summary>
    /// Relays TCP connections to the server, except that the first <c>dropFirstAnswers</c>
    /// connections are closed as soon as the server starts answering: the request was handled,
    /// its answer never arrives.
    /// </summary>
    private sealed class AnswerDroppingProxy : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Uri _target;
        private readonly CancellationTokenSource _stop = new();
        private int _toDrop;
        private int _requests;
        private Task _loop = Task.CompletedTask;

        private AnswerDroppingProxy(Uri target, int dropFirstAnswers)
        {
            _target = target;
            _toDrop = dropFirstAnswers;
        }

        public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

        public int Requests => Volatile.Read(ref _requests);

        public static AnswerDroppingProxy Start(Uri target, int dropFirstAnswers)
        {
            var proxy = new AnswerDroppingProxy(target, dropFirstAnswers);
            proxy._listener.Start();
            proxy._loop = proxy.AcceptAsync();
            return proxy;
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                _ = Task.Run(() => RelayAsync(client));
            }
        }

        private async Task RelayAsync(TcpClient client)
        {
            using (client)
            using (var upstream = new TcpClient())
            {
                await upstream.ConnectAsync(_target.Host, _target.Port);
                var drop = Interlocked.Decrement(ref _toDrop) >= 0;
                Interlocked.Increment(ref _requests);
                var toServer = client.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
                if (drop)
                {
                    // Wait for the first byte of the answer, then hang up on both sides.
                    var first = new byte[1];
                    await upstream.GetStream().ReadExactlyAsync(first, _stop.Token);
                    client.Client.LingerState = new LingerOption(true, 0);
                    return;
                }
                var toClient = upstream.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
                try
                {
                    await Task.WhenAny(toServer, toClient);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException)
                {
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _loop;
            _stop.Dispose();
        }
    }
}
