namespace Vigie.Agent.Journald;

/// <summary>Whether and how the agent follows the systemd journal.</summary>
public sealed record JournaldSourceOptions
{
    public bool Enabled { get; init; }

    /// <summary>The <c>journalctl</c> program to run.</summary>
    public string Journalctl { get; init; } = "journalctl";

    /// <summary>A journal directory to read instead of the system's (<c>journalctl --directory</c>), or null.</summary>
    public string? Directory { get; init; }

    /// <summary>
    /// Where the very first run starts (when no cursor was kept yet): at the journal's end (new entries
    /// only, the default, as a host's journal may hold months) or, when true, at its oldest entry.
    /// </summary>
    public bool ReadFromStart { get; init; }

    /// <summary>The server pipeline the journal's lines go through, if any.</summary>
    public string? Pipeline { get; init; }

    /// <summary>Only these units (<c>journalctl --unit</c>, e.g. <c>nginx.service</c>); all when empty.</summary>
    public IReadOnlyList<string> Units { get; init; } = [];

    /// <summary>The longest wait before <c>journalctl</c> is started again after it exited.</summary>
    public TimeSpan MaxRestartDelay { get; init; } = TimeSpan.FromSeconds(30);
}
