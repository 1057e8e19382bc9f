namespace Vigie.Agent.Files;

/// <summary>The files the agent tails, from the <c>files:</c> section of its configuration.</summary>
public sealed record FileSourceOptions
{
    public IReadOnlyList<FileInput> Inputs { get; init; } = [];

    /// <summary>
    /// How often the globs are expanded again and every followed file is checked for new data. File
    /// system notifications only wake the source earlier: polling is what it relies on.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A file no longer found under its glob (rotated away by rename, deleted) is still read to its end,
    /// and closed once it has not grown for this long; its last line, if it has no line feed, is sent then.
    /// Also how long a rotated <c>.gz</c> file must stay unchanged before it is read.
    /// </summary>
    public TimeSpan CloseInactiveAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longer lines are cut to this many bytes (the rest, up to the next line feed, is dropped and counted).</summary>
    public int MaxLineBytes { get; init; } = 1024 * 1024;
}

/// <summary>One glob of files to tail.</summary>
/// <param name="Glob">e.g. <c>/var/log/nginx/*.log</c>.</param>
/// <param name="Pipeline">The server pipeline their lines go through, if any.</param>
/// <param name="ReadCompressed">Also read rotated <c>.gz</c> files that match, once each.</param>
public sealed record FileInput(string Glob, string? Pipeline = null, bool ReadCompressed = false);
