using Vigie.Testing.Docker;

namespace Vigie.Agent.Tests.Docker;

/// <summary>One real Docker daemon for all the Docker source's tests (they run one after the other).</summary>
public sealed class DockerFixture : IAsyncLifetime
{
    private LocalDockerDaemon? _daemon;

    public LocalDockerDaemon Daemon => _daemon ?? throw new InvalidOperationException("the daemon is not started");

    public async Task InitializeAsync() => _daemon = await LocalDockerDaemon.StartAsync();

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DockerCollection : ICollectionFixture<DockerFixture>
{
    public const string Name = "docker";
}
