namespace Vigie.Agent.Docker;

/// <summary>How the agent reaches the Docker Engine and what it adds to each container's lines.</summary>
public sealed record DockerSourceOptions
{
    public const string DefaultEndpoint = "unix:///var/run/docker.sock";

    /// <summary>Follow containers at all (off on a host without Docker).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The Engine API address: <c>unix:///path/to/docker.sock</c>.</summary>
    public string Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>Container labels copied onto every line (by exact name); others are left out.</summary>
    public IReadOnlyList<string> LabelAllowList { get; init; } = [];

    /// <summary>A longer line is cut to this many bytes (the rest of it is dropped), so one runaway line cannot exhaust memory.</summary>
    public int MaxLineBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Read the log files of containers using the <c>json-file</c> or <c>local</c> driver directly (when the
    /// agent can open them: <c>/var/lib/docker/containers</c> mounted read-only) instead of the Engine
    /// API's stream; other containers are read through the API.
    /// </summary>
    public bool ReadLogFiles { get; init; }
}
