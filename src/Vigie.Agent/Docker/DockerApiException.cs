using System.Net;

namespace Vigie.Agent.Docker;

/// <summary>The Docker daemon answered an error.</summary>
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

    public DockerApiException(HttpStatusCode status, string message)
        : base(message)
    {
        Status = status;
    }

    public HttpStatusCode? Status { get; }

    /// <summary>
    /// The daemon will give the same answer until something changes (a log driver it cannot read back:
    /// 501; a request it refuses: 4xx), as opposed to a failure worth retrying soon.
    /// </summary>
    public bool IsLasting => Status is HttpStatusCode.NotImplemented || (int?)Status is >= 400 and < 500;
}
