namespace Vigie.Agent.Collection;

/// <summary>
/// One thing the agent follows (a container's stdout, a file, the journal) and the fields every line
/// from it carries. Made once per source, not per line: a line only points at its origin.
/// </summary>
/// <param name="SourceKey">
/// A name stable across agent restarts under which the source's position is kept, e.g.
/// <c>docker:&lt;container id&gt;</c>, <c>file:&lt;device&gt;:&lt;inode&gt;</c>, <c>journald</c>.
/// Several origins may share one key (a container's stdout and stderr read from one stream).
/// </param>
/// <param name="Fields">The fields added to every line (<c>host</c>, <c>container</c>, <c>image</c>, ...).</param>
/// <param name="Pipeline">The server pipeline the lines should go through (the <c>vigie.pipeline</c> label), if any.</param>
public sealed record LineOrigin(string SourceKey, IReadOnlyList<KeyValuePair<string, string>> Fields, string? Pipeline = null);
