using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Vigie.Server.Web;

/// <summary>
/// The web UI on the API's port, at <c>/</c>, plus the dashboards REST API, built at the first
/// request the API's own endpoints do not answer. Until then the UI costs the server nothing: its
/// assemblies (Blazor, SignalR, MudBlazor) are not loaded and their code is not compiled, which
/// the routing of a single application would do at its first request of any kind (it builds every
/// endpoint then), whether the UI is ever opened or not.
/// </summary>
internal static class WebUiRegistration
{
    public static void AddWebUi(this WebApplicationBuilder builder, ServerOptions options) =>
        builder.Services.AddSingleton(sp => new WebUiHolder(options, sp));

    public static void MapWebUi(this WebApplication app)
    {
        var ui = app.Services.GetRequiredService<WebUiHolder>();
        app.Lifetime.ApplicationStopping.Register(ui.Stop);
        // After the API's routing: a request it matched no endpoint for (or only for other methods,
        // as the Elasticsearch API's `PUT /{index}` matches any one-segment path) goes to the UI,
        // except under /api/ where a mis-aimed client gets its answer without building the UI.
        app.Use(next => http => ForUi(http) ? ui.HandleAsync(http) : next(http));
    }

    /// <summary>The display name of the endpoint routing answers with when only the method is wrong.</summary>
    private const string MethodNotSupported = "405 HTTP Method Not Supported";

    private static bool ForUi(HttpContext http) =>
        (http.GetEndpoint() is not { } endpoint || endpoint.DisplayName == MethodNotSupported) && ForUi(http.Request.Path);

    private static bool ForUi(PathString path) =>
        !path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/api/v1/dashboards", StringComparison.OrdinalIgnoreCase);
}
