using Microsoft.AspNetCore.Http;

namespace Vigie.Server.Web;

/// <summary>
/// Builds the <see cref="WebUiApp"/> once, at its first request, and keeps it. Nothing here names a
/// type of the UI's assemblies, so that compiling it does not load them.
/// </summary>
internal sealed class WebUiHolder(ServerOptions options, IServiceProvider server) : IAsyncDisposable, IDisposable
{
    private readonly Lock _gate = new();
    private WebUiApp? _app;
    private bool _stopping;

    public Task HandleAsync(HttpContext http) => App().HandleAsync(http);

    public void Stop()
    {
        lock (_gate)
        {
            _stopping = true;
            _app?.Stop();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _app) is { } app)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A host disposed synchronously disposes its services so: the UI goes with them.</summary>
    public void Dispose() => Volatile.Read(ref _app)?.Dispose();

    private WebUiApp App()
    {
        if (Volatile.Read(ref _app) is { } built)
        {
            return built;
        }
        lock (_gate)
        {
            if (_app is not { } app)
            {
                app = WebUiApp.Build(options, server);
                if (_stopping)
                {
                    app.Stop();
                }
                Volatile.Write(ref _app, app);
            }
            return app;
        }
    }
}
