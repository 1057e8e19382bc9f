namespace Vigie.Agent.Docker;

/// <summary>An open log stream of a container, and whether it is raw (TTY) or multiplexed.</summary>
internal sealed record LogResponse(HttpResponseMessage Response, bool Tty) : IDisposable
{
    public void Dispose() => Response.Dispose();
}
