namespace Vigie.Agent.Journald;

/// <summary>Whether and how the agent follows the systemd journal.</summary>
public sealed record JournaldSourceOptions
{
    public bool Enabled { get; init; }

    /// <summary>The <c>journalctl</c> program to run.</summary>
    public string Journalctl { get; init; } = "journalctl";

    /// <summary>A journal directory to read instead of the system's (<c>journalctl --directory</c>), or null.</summary>
    public string? Directory { get; init; }
}
