using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Vigie.Server.Tests.Protocols;

/// <summary>When OTLP/gRPC gets a port of its own.</summary>
public sealed class GrpcListenerTests
{
    private static async Task<IReadOnlyList<string>> AddressesAsync(Func<ServerOptions, ServerOptions> configure)
    {
        var dataDir = Directory.CreateTempSubdirectory("vigie-grpc-listener-").FullName;
        var app = VigieServer.Build(configure(new ServerOptions { DataDir = dataDir, Listen = "127.0.0.1:0", Listeners = new ListenerOptions().WithoutOwnPorts() }));
        try
        {
            await app.StartAsync();
            return [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses];
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task WithoutOwnPorts_GrpcListener_IsNotStarted()
    {
        var addresses = await AddressesAsync(o => o);

        Assert.Single(addresses);
    }

    [Fact]
    public async Task GrpcAddressGiven_ListensThere()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var addresses = await AddressesAsync(o => o with { Listeners = o.Listeners with { OtlpGrpc = new(true, $"127.0.0.1:{port}") } });

        Assert.Equal(2, addresses.Count);
        Assert.Contains(addresses, a => new Uri(a).Port == port);
    }
}
