namespace Vigie.Agent.Docker;

/// <summary>Counters of the Docker source, updated with <see cref="Interlocked"/> and rendered in the agent's <c>/metrics</c>.</summary>
public sealed class DockerMetrics
{
    /// <summary>
    /// Log files Docker deleted (rotated out past <c>max-file</c>) before the agent had read them to their
    /// end: each is a loss of lines, also logged with the container's name.
    /// </summary>
    public long LogFilesLost;
}
