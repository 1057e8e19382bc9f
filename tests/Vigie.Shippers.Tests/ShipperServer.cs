using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Server.Protocols;
using Vigie.Server;

namespace Vigie.Shippers.Tests;

/// <summary>
/// The real server, in process, with every socket listener on a port of its own picked by the system,
/// for real shippers to send to.
/// </summary>
public sealed class ShipperServer : IAsyncLifetime
{
    private const string Any = "127.0.0.1:0";

    private WebApplication? _app;
    private string? _dataDir;

    public HttpClient Client { get; private set; } = new();

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public int SyslogTcp { get; private set; }

    public int SyslogUdp { get; private set; }

    public int GelfTcp { get; private set; }

    public int GelfUdp { get; private set; }

    public int Fluent { get; private set; }

    public int SyslogTls { get; private set; }

    public const string SplunkToken = "11111111-2222-3333-4444-555555555555";

    public async Task InitializeAsync()
    {
        _dataDir = Directory.CreateTempSubdirectory("vigie-shippers-").FullName;
        // A certificate made by openssl, as the docs tell users to.
        var cert = Path.Combine(_dataDir, "syslog.pem");
        var key = Path.Combine(_dataDir, "syslog.key");
        await ProcessRunner.RunOkAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=vigie", "-keyout", key, "-out", cert]);
        var options = new ServerOptions
        {
            DataDir = _dataDir,
            Listen = Any,
            Listeners = new ListenerOptions
            {
                SyslogTcp = new(true, Any),
                SyslogUdp = new(true, Any),
                GelfTcp = new(true, Any),
                GelfUdp = new(true, Any),
                Fluent = new(true, Any),
                OtlpGrpc = new(false, Any),
                SplunkTokens = [SplunkToken],
                SyslogTls = new(true, Any),
                SyslogTlsCertificate = cert,
                SyslogTlsKey = key,
            },
        };
        _app = VigieServer.Build(options);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var listeners = _app.Services.GetRequiredService<SocketListeners>();
        SyslogTcp = listeners.EndPoint("syslog-tcp")!.Port;
        SyslogUdp = listeners.EndPoint("syslog-udp")!.Port;
        GelfTcp = listeners.EndPoint("gelf-tcp")!.Port;
        GelfUdp = listeners.EndPoint("gelf-udp")!.Port;
        Fluent = listeners.EndPoint("fluent")!.Port;
        SyslogTls = listeners.EndPoint("syslog-tls")!.Port;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (_dataDir is not null)
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    /// <summary>A word no other test uses, to find a test's events.</summary>
    public static string Marker() => "mk" + Guid.NewGuid().ToString("N")[..12];

    public async Task<List<JsonElement>> QueryAsync(string q)
    {
        using var response = await Client.GetAsync("/api/v1/query?q=" + Uri.EscapeDataString(q));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"query {q} answered {(int)response.StatusCode}: {text}");
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    /// <summary>Asks until <paramref name="count"/> events match (events are searchable after the next flush) or 10 s pass.</summary>
    public async Task<List<JsonElement>> WaitForAsync(string q, int count)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var rows = await QueryAsync(q);
            if (rows.Count >= count || clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                Assert.True(rows.Count == count, $"query {q}: {rows.Count} events, expected {count}:\n{string.Join('\n', rows)}");
                return rows;
            }
            await Task.Delay(100);
        }
    }

    public async Task<string> MetricsAsync() => await Client.GetStringAsync("/metrics");

    public static double Sample(string metrics, string nameWithLabels)
    {
        var line = metrics.Split('\n').SingleOrDefault(l => l.StartsWith(nameWithLabels + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no sample {nameWithLabels}");
        return double.Parse(line![(nameWithLabels.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public static IPEndPoint Local(int port) => new(IPAddress.Loopback, port);
}
