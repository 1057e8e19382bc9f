using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigie.Ingestion.Service;
using Vigie.Pipelines.Configuration;
using Vigie.Query.Engine;
using Vigie.Server.Endpoints;
using Vigie.Storage.Store;

namespace Vigie.Server.Pipelines;

/// <summary>Wires the processing pipelines into the server: config, reload, playground endpoints.</summary>
public static class PipelinesRegistration
{
    /// <summary>
    /// Loads the pipelines of <see cref="ServerOptions.ConfigFile"/> (the built-in ones when there is
    /// none) into the ingestion hook, and maps <c>POST /api/v1/pipelines/test</c> and <c>/replay</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The config is invalid: the server must not start.</exception>
    public static WebApplication UsePipelines(this WebApplication app, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var runtime = new PipelineRuntime(
            options.ConfigFile,
            app.Services.GetRequiredService<IngestionService>(),
            app.Services.GetRequiredService<LogStore>(),
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Vigie.Pipelines"));
        try
        {
            runtime.Start();
        }
        catch (ConfigException e)
        {
            throw new InvalidOperationException($"invalid pipelines config: {e.Message}", e);
        }
        Runtimes.AddOrUpdate(app.Services.GetRequiredService<IngestionService>().Metrics, runtime);
        // Stopped after the server stops taking requests, before the store closes: held events are stored.
        app.Lifetime.ApplicationStopping.Register(runtime.Dispose);
        app.MapPost("/api/v1/pipelines/test", (HttpContext http) => PipelineTestEndpoint.HandleAsync(http, runtime));
        app.MapPost("/api/v1/pipelines/replay", (HttpContext http, QueryEngine engine) => PipelineReplayEndpoint.HandleAsync(http, runtime, engine));
        return app;
    }

    /// <summary>The runtime of a server, found from its ingestion counters (what /metrics is given).</summary>
    internal static PipelineRuntime? RuntimeOf(IngestionMetrics ingestion) => Runtimes.TryGetValue(ingestion, out var r) ? r : null;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IngestionMetrics, PipelineRuntime> Runtimes = [];
}
