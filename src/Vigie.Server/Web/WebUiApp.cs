using System.Reflection;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Vigie.Query.Engine;
using Vigie.Storage.Store;
using Vigie.Web;
using Vigie.Web.Components;
using Vigie.Web.Model;
using Vigie.Web.Services;

namespace Vigie.Server.Web;

/// <summary>
/// The web UI (Blazor, interactive server rendering) and the dashboards REST API, as an application
/// of its own with its own services and endpoints, built when the first request for it comes
/// (see <see cref="WebUiRegistration"/>). It shares the server's store and query engine, and takes
/// the requests of the server's port that the API does not answer. It is never started as a host:
/// it has no server of its own, only its request pipeline, its services and its lifetime.
/// </summary>
internal sealed class WebUiApp : IAsyncDisposable, IDisposable
{
    /// <summary>
    /// The static web assets (the UI's CSS and JS, Blazor's script) are described by manifests the
    /// build writes next to the assemblies, named after the application: <c>vigie</c> when the
    /// command runs. A host that is not a web application (a test runner) has only the manifests
    /// made for this library, which lack Blazor's script.
    /// </summary>
    private static readonly string ManifestPrefix = Path.Combine(AppContext.BaseDirectory,
        (File.Exists(Path.Combine(AppContext.BaseDirectory, Assembly.GetEntryAssembly()?.GetName().Name + ".staticwebassets.endpoints.json"))
            ? Assembly.GetEntryAssembly()!.GetName().Name
            : typeof(WebUiApp).Assembly.GetName().Name) + ".staticwebassets");

    private static string EndpointsManifest => ManifestPrefix + ".endpoints.json";

    private readonly WebApplication _app;
    private readonly RequestDelegate _pipeline;

    private WebUiApp(WebApplication app, RequestDelegate pipeline)
    {
        _app = app;
        _pipeline = pipeline;
    }

    /// <summary>Builds the UI over the server's store and query engine.</summary>
    public static WebUiApp Build(ServerOptions options, IServiceProvider server)
    {
        var builder = HostBuilders.CreateSlim();
        VigieServer.ConfigureLogging(builder.Logging);
        builder.Services.AddSingleton(server.GetRequiredService<LogStore>());
        builder.Services.AddSingleton(server.GetRequiredService<QueryEngine>());
        // The UI's circuits and antiforgery tokens are signed with data-protection keys: keep them in
        // the data directory (guarded by its permissions), so they survive restarts and do not
        // depend on a home directory the service account may not have.
        builder.Services.AddDataProtection()
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(options.DataDir, "keys")))
            .SetApplicationName("vigie");
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        // In a build output, the runtime manifest maps each asset to its file in the sources or the
        // package cache; in a published app the files are in wwwroot and there is no such manifest.
        var runtime = ManifestPrefix + ".runtime.json";
        if (File.Exists(runtime))
        {
            builder.WebHost.UseSetting(WebHostDefaults.StaticWebAssetsKey, runtime);
            builder.WebHost.UseStaticWebAssets();
        }
        else if (Path.Combine(AppContext.BaseDirectory, "wwwroot") is var published && Directory.Exists(published))
        {
            // Published: the files sit in wwwroot next to vigie.dll, wherever the command is started from.
            builder.Environment.WebRootPath = published;
            builder.Environment.WebRootFileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(published);
        }
        // Named here, before the antiforgery's own set-up: unnamed, it is named from a SHA-256 of the
        // application's name, which loads OpenSSL (about 5 MB resident).
        builder.Services.Configure<AntiforgeryOptions>(o => o.Cookie.Name = ".Vigie.Antiforgery");
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddAntiforgery();
        builder.Services.AddVigieWebUi();

        var app = builder.Build();
        // The pipeline is built here rather than by starting the application as a host: the
        // requests come from the server's own, and the UI needs no hosted service (data
        // protection's only reads its key ring ahead of its first use).
        app.UseRouting();
        app.UseAntiforgery();
        if (File.Exists(EndpointsManifest))
        {
            app.MapStaticAssets(EndpointsManifest);
        }
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        MapDashboards(app);
        app.UseEndpoints(_ => { });
        var pipeline = ((IApplicationBuilder)app).Build();
        // What a started host would signal: SignalR starts its heartbeat then (it closes the
        // connections that time out).
        if (app.Services.GetRequiredService<IHostApplicationLifetime>() is ApplicationLifetime lifetime)
        {
            lifetime.NotifyStarted();
        }
        return new WebUiApp(app, pipeline);
    }

    /// <summary>Answers one request of the server with the UI's services and endpoints.</summary>
    public async Task HandleAsync(HttpContext http)
    {
        // The request's services come from the UI's container, scoped to the request as the
        // host would scope them.
        var scope = _app.Services.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            http.RequestServices = scope.ServiceProvider;
            // The UI's routing matches only a request without an endpoint (the server's routing
            // may have set its answer for a wrong method).
            http.SetEndpoint(null);
            http.Request.RouteValues.Clear();
            await _pipeline(http).ConfigureAwait(false);
        }
    }

    /// <summary>Tells the UI's circuits (SignalR connections) that the server is stopping.</summary>
    public void Stop() => _app.Lifetime.StopApplication();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    public void Dispose() => ((IDisposable)_app).Dispose();

    private static void MapDashboards(WebApplication app)
    {
        var api = app.MapGroup("/api/v1/dashboards");
        api.MapGet("/", (DashboardStore s) => Results.Ok(s.List()));
        api.MapGet("/{id}", (string id, DashboardStore s) => s.Get(id) is { } d ? Results.Ok(d) : Results.NotFound(new { error = $"no dashboard '{id}'" }));
        api.MapPut("/{id}", (string id, Dashboard body, DashboardStore s) =>
        {
            if (!DashboardStore.IsValidId(id))
            {
                return Results.BadRequest(new { error = $"dashboard id '{id}': use 1 to 64 lower-case letters, digits and dashes" });
            }
            var d = body with { Id = id, Panels = body.Panels ?? [] };
            s.Save(d);
            return Results.Ok(d);
        }).DisableAntiforgery();
        api.MapDelete("/{id}", (string id, DashboardStore s) => s.Delete(id) ? Results.NoContent() : Results.NotFound(new { error = $"no dashboard '{id}'" }))
            .DisableAntiforgery();
    }
}
