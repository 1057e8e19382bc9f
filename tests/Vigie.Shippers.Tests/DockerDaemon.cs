using Vigie.Testing.Docker;

namespace Vigie.Shippers.Tests;

/// <summary>A real Docker daemon of its own, started once for the docker tests, with a busybox image built offline.</summary>
public sealed class DockerDaemon : IAsyncLifetime
{
    public const string Image = LocalDockerDaemon.Image;

    private LocalDockerDaemon? _daemon;

    private LocalDockerDaemon Daemon => _daemon ?? throw new InvalidOperationException("the daemon is not started");

    public string Host => Daemon.Host;

    public async Task InitializeAsync() => _daemon = await LocalDockerDaemon.StartAsync();

    public Task<string> RunOkAsync(IEnumerable<string> args) => Daemon.RunOkAsync(args);

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }
    }
}
