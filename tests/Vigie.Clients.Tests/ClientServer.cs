using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Vigie.Server;

namespace Vigie.Clients.Tests;

/// <summary>The real server in-process on free ports (HTTP API, and OTLP/gRPC), over a temp data directory.</summary>
internal sealed class ClientServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDir;

    private ClientServer(WebApplication app, string dataDir, int port, int grpcPort)
    {
        _app = app;
        _dataDir = dataDir;
        BaseUrl = $"http://127.0.0.1:{port}";
        GrpcUrl = $"http://127.0.0.1:{grpcPort}";
        Client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string BaseUrl { get; }

    public string GrpcUrl { get; }

    public HttpClient Client { get; }

    public static async Task<ClientServer> StartAsync(string? dataDir = null, IReadOnlyList<string>? apiKeys = null)
    {
        dataDir ??= Directory.CreateTempSubdirectory("vigie-clients-tests-").FullName;
        // Ports picked free then handed to Kestrel: the gRPC endpoint is routed by its port number.
        var port = FreePort();
        var grpcPort = FreePort();
        var options = new ServerOptions
        {
            DataDir = dataDir,
            Listen = $"127.0.0.1:{port}",
            Listeners = new ListenerOptions().WithoutOwnPorts() with { OtlpGrpc = new(true, $"127.0.0.1:{grpcPort}") },
            ApiKeys = apiKeys ?? [],
        };
        var app = VigieServer.Build(options);
        try
        {
            await app.StartAsync();
            return new ClientServer(app, dataDir, port, grpcPort);
        }
        catch
        {
            await app.DisposeAsync();
            if (Directory.Exists(dataDir))
            {
                Directory.Delete(dataDir, recursive: true);
            }
            throw;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task<List<JsonElement>> QueryAsync(string q)
    {
        using var response = await Client.GetAsync("/api/v1/query?q=" + Uri.EscapeDataString(q));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"query {q} answered {(int)response.StatusCode}: {text}");
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    /// <summary>Events become searchable at the next flush: asks again until <paramref name="count"/> rows or 10 s.</summary>
    public async Task<List<JsonElement>> QueryUntilAsync(string q, int count)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var rows = await QueryAsync(q);
            if (rows.Count >= count || clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                return rows;
            }
            await Task.Delay(100);
        }
    }

    public async Task<string> MetricsAsync() => await Client.GetStringAsync("/metrics");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }
}
