namespace Vigie.Server;

/// <summary>The <c>vigie serve</c> process: the store, the query engine and the HTTP API in one host.</summary>
public static class VigieServer
{
    /// <summary>Runs until <paramref name="stopping"/> fires; returns the process exit code.</summary>
    public static Task<int> RunAsync(ServerOptions options, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(options);
        throw new NotSupportedException("the server is being built");
    }
}
