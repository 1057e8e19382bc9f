using Vigie.Agent.Delivery;
using Vigie.Agent.Docker;
using Vigie.Agent.Files;
using Vigie.Agent.Journald;
using Vigie.Pipelines;

namespace Vigie.Agent.Hosting;

/// <summary>Everything <c>vigie agent</c> needs: from flags, then environment, then the config file, then defaults.</summary>
public sealed record AgentOptions
{
    public const string DefaultData = "./vigie-agent-data";
    public const string DefaultListen = "127.0.0.1:9881";

    /// <summary>The Vigie server's base address.</summary>
    public required Uri Server { get; init; }

    /// <summary>Sent as a bearer token when set.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Absolute path of the directory holding the agent's id and buffer (positions included).</summary>
    public required string DataDir { get; init; }

    /// <summary>The YAML file read for the docker:, files: and journald: sections, if any.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>HOST:PORT of the local <c>/healthz</c> and <c>/metrics</c>; null turns them off.</summary>
    public string? Listen { get; init; } = DefaultListen;

    /// <summary>The <c>host</c> field of every line; null: the machine's name.</summary>
    public string? Hostname { get; init; }

    /// <summary>The disk buffer's bound; past it the oldest unsent lines are dropped (counted and logged).</summary>
    public long BufferBytes { get; init; } = BufferOptions.DefaultMaxBytes;

    /// <summary>How long a batch may wait for more lines before it is sealed and sent.</summary>
    public TimeSpan BatchWait { get; init; } = TimeSpan.FromSeconds(1);

    public DockerSourceOptions Docker { get; init; } = new();

    public FileSourceOptions Files { get; init; } = new();

    public JournaldSourceOptions Journald { get; init; } = new();

    /// <summary>Edge pipelines (the config file's <c>pipelines:</c>), run on every line before the buffer; empty: none.</summary>
    public IReadOnlyList<Pipeline> Pipelines { get; init; } = [];
}
