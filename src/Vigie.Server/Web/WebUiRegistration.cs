using System.Reflection;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigie.Web;
using Vigie.Web.Components;
using Vigie.Web.Model;
using Vigie.Web.Services;

namespace Vigie.Server.Web;

/// <summary>
/// The web UI (Blazor, interactive server rendering) on the API's port, at <c>/</c>, plus the
/// dashboards REST API. The UI calls the query engine in process.
/// </summary>
internal static class WebUiRegistration
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
            : typeof(WebUiRegistration).Assembly.GetName().Name) + ".staticwebassets");

    private static string EndpointsManifest => ManifestPrefix + ".endpoints.json";

    public static void AddWebUi(this WebApplicationBuilder builder, ServerOptions options)
    {
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
        // application's name, computed when the request pipeline is built, which loads OpenSSL
        // (about 5 MB resident) into every server, UI opened or not.
        builder.Services.Configure<AntiforgeryOptions>(o => o.Cookie.Name = ".Vigie.Antiforgery");
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddAntiforgery();
        builder.Services.AddVigieWebUi();
        // Data protection reads its key ring at start-up from a hosted service, which loads the XML
        // and cryptography libraries (about 10 MB resident) into a server whose UI may never be
        // opened: the ring is read at its first use instead.
        foreach (var warmUp in builder.Services.Where(d => d.ServiceType == typeof(IHostedService)
            && d.ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService").ToList())
        {
            builder.Services.Remove(warmUp);
        }
    }

    public static void MapWebUi(this WebApplication app)
    {
        app.UseAntiforgery();
        if (File.Exists(EndpointsManifest))
        {
            app.MapStaticAssets(EndpointsManifest);
        }
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        MapDashboards(app);
    }

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
