using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Server.Endpoints.Protocols;

namespace Vigie.Server.Protocols;

/// <summary>
/// The log protocols served over HTTP (Elasticsearch bulk, Loki, OTLP, Seq, journald) on the API's
/// port, and OTLP/gRPC on a port of its own; each enabled or not by <see cref="ServerOptions.Listeners"/>.
/// </summary>
public static class HttpProtocolsRegistration
{
    /// <summary>Services and, when OTLP/gRPC is enabled, its HTTP/2-only endpoint.</summary>
    public static WebApplicationBuilder AddHttpProtocols(this WebApplicationBuilder builder, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        builder.Services.AddSingleton<ProtocolIngest>();
        if (GrpcAddress(options) is { } address)
        {
            AddOtlpGrpc(builder, options, address);
        }
        return builder;
    }

    /// <summary>
    /// Apart from <see cref="AddHttpProtocols"/> and <see cref="MapHttpProtocols"/>: a method that
    /// names gRPC's types loads its libraries when it is compiled, OTLP/gRPC on or off.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddOtlpGrpc(WebApplicationBuilder builder, ServerOptions options, string address)
    {
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = (int)Math.Min(options.MaxBodyBytes, int.MaxValue);
            o.EnableDetailedErrors = false;
            o.Interceptors.Add<Security.GrpcApiKeyInterceptor>();
        });
        var endpoint = ListenAddress.Parse(address);
        // gRPC needs HTTP/2; without TLS a port speaks only one protocol, hence a port of its own.
        builder.WebHost.ConfigureKestrel(k => k.Listen(endpoint, l => l.Protocols = HttpProtocols.Http2));
    }

    /// <summary>Maps the endpoints of every enabled HTTP protocol.</summary>
    public static WebApplication MapHttpProtocols(this WebApplication app, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var listeners = options.Listeners;
        if (listeners.Elasticsearch.Enabled)
        {
            ElasticsearchEndpoints.Map(app, listeners.Elasticsearch);
        }
        if (listeners.Loki.Enabled)
        {
            LokiEndpoints.Map(app, listeners.Loki);
        }
        if (listeners.OtlpHttp.Enabled)
        {
            OtlpHttpEndpoints.Map(app, listeners.OtlpHttp);
        }
        if (listeners.Seq.Enabled)
        {
            SeqEndpoints.Map(app, listeners.Seq);
        }
        if (listeners.Journald.Enabled)
        {
            JournaldEndpoints.Map(app, listeners.Journald);
        }
        if (GrpcAddress(options) is { } address)
        {
            MapOtlpGrpc(app, address);
        }
        return app;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MapOtlpGrpc(WebApplication app, string address) =>
        // Only on the gRPC port: the API's port speaks HTTP/1.1.
        app.MapGrpcService<OtlpGrpcLogsService>().RequireHost($"*:{ListenAddress.Parse(address).Port}");

    /// <summary>
    /// Where OTLP/gRPC listens, or null when it is off. Instances side by side turn it off with the
    /// other listeners that own a port (<see cref="ListenerOptions.WithoutOwnPorts"/>).
    /// </summary>
    private static string? GrpcAddress(ServerOptions options) =>
        options.Listeners.OtlpGrpc is { Enabled: true, Address: { } address } ? address : null;
}
