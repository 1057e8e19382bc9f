namespace Vigie.Agent.Docker;

/// <summary>The Docker daemon answered an error: retried like an unreachable daemon.</summary>
public sealed class DockerApiException : Exception
{
    public DockerApiException()
    {
    }

    public DockerApiException(string message)
        : base(message)
    {
    }

    public DockerApiException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
