using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigie.Ingestion.Service;
using Vigie.Query.Engine;
using Vigie.Server.Endpoints;
using Vigie.Server.Observability;
using Vigie.Server.Pipelines;
using Vigie.Server.Protocols;
using Vigie.Server.Web;
using Vigie.Storage.Store;

namespace Vigie.Server;

/// <summary>The <c>vigie serve</c> process: the store, the query engine and the HTTP API in one host.</summary>
public static class VigieServer
{
    /// <summary>Runs until <paramref name="stopping"/> fires; returns the process exit code.</summary>
    public static async Task<int> RunAsync(ServerOptions options, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(options);
        var app = Build(options);
        await using (app.ConfigureAwait(false))
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Vigie");
            await app.StartAsync(stopping).ConfigureAwait(false);
            logger.LogInformation("Vigie listens on http://{Listen} with data in {Data}", options.Listen, Path.GetFullPath(options.DataDir));
            try
            {
                await Task.Delay(Timeout.Infinite, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            logger.LogInformation("stopping");
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        return 0;
    }

    /// <summary>Builds the host without starting it (tests start it on a port of their own).</summary>
    public static WebApplication Build(ServerOptions options)
    {
        var builder = HostBuilders.CreateSlim();
        ConfigureLogging(builder.Logging);
        var endpoint = ListenAddress.Parse(options.Listen);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(endpoint);
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            k.AddServerHeader = false;
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new Security.ApiKeys(options.ApiKeys));
        var storeOptions = new StoreOptions
        {
            DataDirectory = options.DataDir,
            Retention = options.Retention,
            MaxDiskBytes = options.MaxDiskBytes,
        };
        if (options.MaxUnflushedBytes is { } maxUnflushed)
        {
            storeOptions = storeOptions with { MaxUnflushedBytes = maxUnflushed };
        }
        builder.Services.AddSingleton(sp => LogStore.Open(storeOptions, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Vigie.Storage")));
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddSingleton<IngestionService>();
        builder.Services.AddSingleton(sp => new QueryEngine(sp.GetRequiredService<LogStore>()));
        builder.Services.AddSingleton<IngestEndpoint>();
        builder.Services.AddSingleton<QueryEndpoint>();
        builder.Services.AddSingleton<TailEndpoint>();
        builder.Services.AddSingleton<FieldsEndpoint>();
        // Kestrel takes its buffers from pools the idle trim can empty (registered after Kestrel's own).
        builder.Services.AddSingleton<TrimmableMemoryPoolFactory>();
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>>(sp => sp.GetRequiredService<TrimmableMemoryPoolFactory>());
        builder.Services.AddHostedService<IdleMemoryTrimmer>();
        builder.AddHttpProtocols(options);
        builder.AddWebUi(options);
        builder.Services.AddSocketListeners();

        var app = builder.Build();
        // Open the store (and replay the WAL) before accepting connections.
        var store = app.Services.GetRequiredService<LogStore>();
        app.Lifetime.ApplicationStopped.Register(store.Dispose);
        app.UsePipelines(options);

        // Request delegates, not handlers with parameters: the framework builds a handler's binding
        // code for every endpoint at the first request (generated code, compiled fully optimised
        // with tiering off), where these need only the HttpContext.
        app.MapPost("/api/v1/ingest", http => http.RequestServices.GetRequiredService<IngestEndpoint>().HandleAsync(http));
        app.MapMethods("/api/v1/query", ["GET", "POST"], http => http.RequestServices.GetRequiredService<QueryEndpoint>().HandleAsync(http));
        app.MapGet("/api/v1/tail", http => http.RequestServices.GetRequiredService<TailEndpoint>().HandleAsync(http));
        app.MapGet("/api/v1/fields", http => http.RequestServices.GetRequiredService<FieldsEndpoint>().HandleAsync(http));
        app.MapGet("/healthz", http => HealthEndpoint.Check(http.RequestServices.GetRequiredService<LogStore>()).ExecuteAsync(http));
        app.MapGet("/metrics", http =>
        {
            var services = http.RequestServices;
            var text = MetricsEndpoint.Render(services.GetRequiredService<LogStore>(), services.GetRequiredService<ServerMetrics>(), services.GetRequiredService<IngestionService>().Metrics);
            return Results.Text(text, "text/plain; version=0.0.4; charset=utf-8").ExecuteAsync(http);
        });
        app.MapHttpProtocols(options);
        app.MapWebUi();
        app.MapSocketProtocolEndpoints(options);
        return app;
    }

    /// <summary>One line per message on the console, UTC timestamps; the framework's own at warnings.</summary>
    internal static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning);
    }
}
