using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vigie.Web.BrowserTests;

/// <summary>
/// <c>vigie serve</c> as users start it: built by the repository's launcher (<c>./vigie</c>, into
/// <c>.build/</c>), copied aside so a rebuild cannot swap files under it, run as a child process on
/// a free port over a temporary data directory. Stopped by its own PID.
/// </summary>
public sealed class VigieServe : IAsyncDisposable
{
    /// <summary>Listeners with ports of their own would collide between servers running side by side.</summary>
    private static readonly string[] OwnPortsOff =
        ["--syslog-udp", "off", "--syslog-tcp", "off", "--gelf-udp", "off", "--gelf-tcp", "off", "--fluent", "off", "--otlp-grpc", "off"];

    private ChildProcess? _process;
    // One log over every run of the server (a test kills it and starts it again).
    private readonly StringBuilder _log = new();
    private readonly string _buildCopy;
    private readonly string _dataDir;

    private VigieServe(Uri address, string buildCopy, string dataDir)
    {
        _buildCopy = buildCopy;
        _dataDir = dataDir;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<VigieServe> StartAsync()
    {
        var root = RepoRoot();
        var build = await ProcessRunner.RunAsync("bash", [Path.Combine(root, "vigie"), "version"], TimeSpan.FromMinutes(15));
        if (build.Exit != 0)
        {
            throw new InvalidOperationException($"./vigie version failed with {build.Exit}:\n{build.Out}{build.Err}");
        }
        var copy = Directory.CreateTempSubdirectory("vigie-browser-cli-").FullName;
        var source = Path.Combine(root, ".build");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var data = Directory.CreateTempSubdirectory("vigie-browser-data-").FullName;
        var server = new VigieServe(new Uri($"http://127.0.0.1:{FreePort()}"), copy, data);
        await server.LaunchAsync();
        return server;
    }

    /// <summary>Kills the server (SIGKILL), keeping its data and port for <see cref="LaunchAsync"/>.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.KillHard();
        }
    }

    /// <summary>Starts the server on its port and data directory and waits until it is healthy.</summary>
    public async Task LaunchAsync()
    {
        _process?.Dispose();
        var process = ChildProcess.Start("dotnet", [Path.Combine(_buildCopy, "vigie.dll"), "serve", "--data", _dataDir, "--listen", $"127.0.0.1:{Address.Port}", .. OwnPortsOff], output: _log);
        _process = process;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (process.HasExited)
            {
                var log = Log;
                await DisposeAsync();
                throw new InvalidOperationException($"vigie serve exited during start-up:\n{log}");
            }
            try
            {
                using var health = await Client.GetAsync("/healthz");
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        var slow = Log;
        await DisposeAsync();
        throw new TimeoutException("vigie serve did not answer /healthz within 30 s:\n" + slow);
    }

    /// <summary>Ingests NDJSON and checks every line was accepted.</summary>
    public async Task IngestAsync(string ndjson, string streams)
    {
        using var content = new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson");
        using var response = await Client.PostAsync("/api/v1/ingest?stream=" + Uri.EscapeDataString(streams), content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.Contains($"\"accepted\":{lines}", body, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Kill();
        _process?.Dispose();
        foreach (var dir in (string[])[_buildCopy, _dataDir])
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vigie.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("no Vigie.slnx above " + AppContext.BaseDirectory);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
