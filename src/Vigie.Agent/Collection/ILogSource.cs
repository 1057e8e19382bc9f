namespace Vigie.Agent.Collection;

/// <summary>One kind of thing the agent collects from: Docker containers, files, the journal.</summary>
public interface ILogSource
{
    /// <summary>A short name for logs and metrics: <c>docker</c>, <c>files</c>, <c>journald</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Follows its sources until <paramref name="cancellationToken"/> fires, resuming each one from
    /// <paramref name="positions"/> and putting every line into <paramref name="sink"/>. Transient failures
    /// (the Docker daemon restarting, a file vanishing) are retried inside; only cancellation ends it.
    /// </summary>
    Task RunAsync(ILineSink sink, IPositionBook positions, CancellationToken cancellationToken);
}
