using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Agent.Collection;
using Vigie.Agent.Docker;
using Vigie.Agent.Tests.Support;
using Vigie.Testing.Docker;

namespace Vigie.Agent.Tests.Docker;

/// <summary>
/// What tests of the Docker source against a real daemon share: sources started into a recording
/// sink and busybox containers, all stopped and removed after each test.
/// </summary>
public abstract class DockerSourceTestBase(DockerFixture docker, TimeSpan wait) : IAsyncLifetime
{
    protected static readonly AgentHost Host = new("test-host");

    private readonly List<string> _containers = [];
    private readonly List<(CancellationTokenSource Stop, Task Run)> _sources = [];

    protected LocalDockerDaemon Daemon => docker.Daemon;

    /// <summary>How long a test waits for lines.</summary>
    protected TimeSpan Wait => wait;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (stop, run) in _sources)
        {
            await stop.CancelAsync();
            await run;
            stop.Dispose();
        }
        if (_containers.Count > 0)
        {
            await Daemon.RunAsync(["rm", "-f", .. _containers]);
        }
    }

    private protected (CancellationTokenSource Stop, Task Run) StartSource(RecordingSink sink, DockerSourceOptions options) =>
        StartSource(sink, sink, options);

    /// <summary>Starts a source on the test's daemon (the options' endpoint is set here unless given).</summary>
    private protected (CancellationTokenSource Stop, Task Run) StartSource(ILineSink sink, IPositionBook positions, DockerSourceOptions options, string? endpoint = null)
    {
        var source = new DockerSource(options with { Endpoint = endpoint ?? Daemon.Host }, Host, NullLogger.Instance);
        var stop = new CancellationTokenSource();
        var run = Task.Run(() => source.RunAsync(sink, positions, stop.Token));
        _sources.Add((stop, run));
        return (stop, run);
    }

    protected async Task StopSourceAsync((CancellationTokenSource Stop, Task Run) source)
    {
        _sources.Remove(source);
        await source.Stop.CancelAsync();
        await source.Run.WaitAsync(TimeSpan.FromSeconds(10));
        source.Stop.Dispose();
    }

    /// <summary>Runs a container in the background and returns its id.</summary>
    protected async Task<string> RunAsync(string name, string script, params string[] options)
    {
        var id = (await Daemon.RunOkAsync(["run", "-d", "--network=none", "--name", name, .. options, LocalDockerDaemon.Image, "sh", "-c", script])).Trim();
        _containers.Add(id);
        return id;
    }

    protected static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private protected Task<IReadOnlyList<RecordedLine>> LinesOfAsync(RecordingSink sink, string id, int count) =>
        sink.WaitForAsync(lines => lines.Count(l => l.SourceKey == "docker:" + id) >= count, Wait);

    private protected static List<RecordedLine> Of(IEnumerable<RecordedLine> lines, string id) => [.. lines.Where(l => l.SourceKey == "docker:" + id)];
}
