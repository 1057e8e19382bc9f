using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Vigie.EndToEnd.Tests;

/// <summary>A <c>vigie serve</c> child process on 127.0.0.1 and a free port.</summary>
internal sealed class VigieProcess : IDisposable
{
    /// <summary>Listeners with ports of their own would collide between servers running side by side.</summary>
    private static readonly string[] OwnPortsOff =
        ["--syslog-udp", "off", "--syslog-tcp", "off", "--gelf-udp", "off", "--gelf-tcp", "off", "--fluent", "off", "--otlp-grpc", "off"];

    private readonly ChildProcess _process;

    private VigieProcess(ChildProcess process, Uri address)
    {
        _process = process;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the server printed so far (for failure messages).</summary>
    public string Log => _process.Output;

    /// <summary>Starts the server and waits until <c>/healthz</c> answers; fails with its output if it exits first.</summary>
    public static Task<VigieProcess> StartAsync(CliBuild cli, string dataDir, params string[] extraArgs) =>
        StartOnPortAsync(cli, dataDir, FreePort(), extraArgs);

    /// <summary>Starts the server on a given port: a restarted server where its clients expect it.</summary>
    public static async Task<VigieProcess> StartOnPortAsync(CliBuild cli, string dataDir, int port, params string[] extraArgs)
    {
        // Socket listeners on ports of their own: tests run side by side, the default ports would collide.
        var environment = new[] { "VIGIE_SYSLOG_UDP", "VIGIE_SYSLOG_TCP", "VIGIE_GELF_UDP", "VIGIE_GELF_TCP", "VIGIE_FLUENT" }
            .Where(name => Environment.GetEnvironmentVariable(name) is null)
            .ToDictionary(name => name, _ => "127.0.0.1:0");
        var process = ChildProcess.Start("dotnet", [cli.Dll, "serve", "--data", dataDir, "--listen", $"127.0.0.1:{port}", .. OwnPortsOff, .. extraArgs], environment);
        var server = new VigieProcess(process, new Uri($"http://127.0.0.1:{port}"));
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                await process.WaitAsync(TimeSpan.FromSeconds(10));
                var log = server.Log;
                var code = process.ExitCode;
                server.Dispose();
                throw new InvalidOperationException($"vigie serve exited with {code} during start-up:\n{log}");
            }
            try
            {
                using var health = await server.Client.GetAsync("/healthz");
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                var log = server.Log;
                server.Dispose();
                throw new TimeoutException("vigie serve did not answer /healthz within 30 s:\n" + log);
            }
            await Task.Delay(50);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>SIGKILL: no flush, no shutdown code runs.</summary>
    public void KillHard() => _process.KillHard();

    /// <summary>SIGTERM, as a service manager stops it; returns the exit code.</summary>
    public Task<int> StopAsync() => _process.StopAsync();

    /// <summary>Sends a signal, e.g. 1 (SIGHUP): read the configuration again.</summary>
    public void Signal(int signal) => _process.Signal(signal);

    public void Dispose()
    {
        Client.Dispose();
        _process.Dispose();
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> IngestAsync(string ndjson, CancellationToken cancellationToken = default)
    {
        using var content = new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson");
        using var response = await Client.PostAsync("/api/v1/ingest", content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task IngestOkAsync(string ndjson)
    {
        var (status, body) = await IngestAsync(ndjson);
        Assert.True(status == HttpStatusCode.OK, $"ingest answered {(int)status}: {body}");
        Assert.Equal(ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, body.GetProperty("accepted").GetInt32());
    }

    public async Task<List<JsonElement>> QueryAsync(string q)
    {
        using var response = await Client.GetAsync("/api/v1/query?q=" + Uri.EscapeDataString(q));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"query {q} answered {(int)response.StatusCode}: {text}");
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    /// <summary>Asks again until <paramref name="done"/> or <paramref name="timeout"/> (3 s by default); returns the last answer.</summary>
    public async Task<List<JsonElement>> QueryUntilAsync(string q, Func<List<JsonElement>, bool> done, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var rows = await QueryAsync(q);
            if (done(rows) || clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(3)))
            {
                return rows;
            }
            await Task.Delay(50);
        }
    }

    public async Task<double> MetricAsync(string nameWithLabels)
    {
        var text = await Client.GetStringAsync("/metrics");
        var line = text.Split('\n').SingleOrDefault(l => l.StartsWith(nameWithLabels + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no sample {nameWithLabels} in /metrics");
        return double.Parse(line![(nameWithLabels.Length + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until the metric satisfies <paramref name="done"/>; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForMetricAsync(string nameWithLabels, Func<double, bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        double value;
        while (!done(value = await MetricAsync(nameWithLabels)))
        {
            Assert.True(clock.Elapsed < timeout, $"{nameWithLabels} is still {value} after {timeout}");
            await Task.Delay(50);
        }
    }
}
