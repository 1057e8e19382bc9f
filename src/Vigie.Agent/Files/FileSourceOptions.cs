namespace Vigie.Agent.Files;

/// <summary>The files the agent tails, from the <c>files:</c> section of its configuration.</summary>
public sealed record FileSourceOptions
{
    public IReadOnlyList<FileInput> Inputs { get; init; } = [];
}

/// <summary>One glob of files to tail.</summary>
/// <param name="Glob">e.g. <c>/var/log/nginx/*.log</c>.</param>
/// <param name="Pipeline">The server pipeline their lines go through, if any.</param>
/// <param name="ReadCompressed">Also read rotated <c>.gz</c> files that match, once each.</param>
public sealed record FileInput(string Glob, string? Pipeline = null, bool ReadCompressed = false);
