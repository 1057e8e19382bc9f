using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Server.Endpoints.Protocols;

namespace Vigie.Server.Protocols;

/// <summary>Wires the syslog, GELF, Fluent Forward and Splunk HEC listeners into the server.</summary>
public static class SocketListenersRegistration
{
    /// <summary>Registers the socket listeners (started with the host) and the HTTP endpoints' services.</summary>
    public static IServiceCollection AddSocketListeners(this IServiceCollection services)
    {
        services.AddSingleton<SocketListeners>();
        services.AddHostedService(sp => sp.GetRequiredService<SocketListeners>());
        services.AddSingleton<GelfHttpEndpoint>();
        services.AddSingleton<SplunkHecEndpoint>();
        return services;
    }

    /// <summary>Maps <c>POST /gelf</c> and the Splunk HEC endpoints, when enabled.</summary>
    public static WebApplication MapSocketProtocolEndpoints(this WebApplication app, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Listeners.GelfHttp.Enabled)
        {
            app.MapPost("/gelf", (HttpContext http, GelfHttpEndpoint e) => e.HandleAsync(http));
        }
        if (options.Listeners.Splunk.Enabled)
        {
            app.MapPost("/services/collector", (HttpContext http, SplunkHecEndpoint e) => e.HandleEventAsync(http));
            app.MapPost("/services/collector/event", (HttpContext http, SplunkHecEndpoint e) => e.HandleEventAsync(http));
            app.MapPost("/services/collector/event/1.0", (HttpContext http, SplunkHecEndpoint e) => e.HandleEventAsync(http));
            app.MapPost("/services/collector/raw", (HttpContext http, SplunkHecEndpoint e) => e.HandleRawAsync(http));
            app.MapPost("/services/collector/raw/1.0", (HttpContext http, SplunkHecEndpoint e) => e.HandleRawAsync(http));
            // Docker's splunk driver checks the URL with OPTIONS before its first container starts.
            app.MapMethods("/services/collector/event/1.0", ["OPTIONS"], () => Results.Ok());
            app.MapMethods("/services/collector/event", ["OPTIONS"], () => Results.Ok());
            app.MapMethods("/services/collector/health", ["GET", "HEAD"], (HttpContext http, SplunkHecEndpoint e) => e.Health(http));
            app.MapMethods("/services/collector/health/1.0", ["GET", "HEAD"], (HttpContext http, SplunkHecEndpoint e) => e.Health(http));
        }
        return app;
    }
}
