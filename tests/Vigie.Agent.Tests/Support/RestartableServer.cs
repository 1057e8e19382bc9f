using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Vigie.Server;

namespace Vigie.Agent.Tests.Support;

/// <summary>
/// The real Vigie server, in process, on a port fixed for the test's life and a data directory kept
/// across restarts: it can be stopped (the agent then finds nobody) and started again.
/// </summary>
internal sealed class RestartableServer : IAsyncDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("vigie-agent-server-").FullName;
    private WebApplication? _app;

    public RestartableServer()
    {
        Port = FreePort();
        Url = new Uri($"http://127.0.0.1:{Port}");
        Client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public Uri Url { get; }

    public HttpClient Client { get; }

    public async Task StartAsync(Func<ServerOptions, ServerOptions>? configure = null)
    {
        var off = new ListenerSetting(false);
        var listeners = new ListenerOptions { SyslogUdp = off, SyslogTcp = off, GelfUdp = off, GelfTcp = off, Fluent = off, OtlpGrpc = off };
        var options = new ServerOptions { DataDir = _dataDir, Listen = $"127.0.0.1:{Port}", Listeners = listeners };
        _app = VigieServer.Build(configure?.Invoke(options) ?? options);
        await _app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Every stored event's <c>_msg</c>, once the server has made them searchable (it flushes every 500 ms).</summary>
    public async Task<List<JsonElement>> RowsAsync(string query, int expected)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var text = await Client.GetStringAsync("/api/v1/query?q=" + Uri.EscapeDataString(query));
            var rows = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
            if (rows.Count >= expected || clock.Elapsed > TimeSpan.FromSeconds(5))
            {
                // A little longer, so that a duplicate arriving late is seen too.
                if (rows.Count == expected)
                {
                    await Task.Delay(600);
                    text = await Client.GetStringAsync("/api/v1/query?q=" + Uri.EscapeDataString(query));
                    rows = [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
                }
                return rows;
            }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Client.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
