using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Server;

namespace Vigie.Pipelines.Tests;

/// <summary>A real Vigie server in the test's process, on a free port, over a temporary data directory.</summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessServer(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    /// <param name="configFile">The server's vigie.yaml, or null for the built-in pipelines alone.</param>
    public static async Task<InProcessServer> StartAsync(string dataDir, string? configFile = null)
    {
        var app = VigieServer.Build(new ServerOptions { DataDir = dataDir, Listen = "127.0.0.1:0", ConfigFile = configFile, Listeners = new ListenerOptions().WithoutOwnPorts() });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new InProcessServer(app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) });
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
