namespace Vigie.Agent.Collection;

/// <summary>
/// Where a source stands after a line, in the source's own terms, so that a restarted agent resumes
/// right after the last line it kept: a byte offset in a file; a log timestamp and how many lines at
/// exactly that timestamp were already read for a container; a journal cursor.
/// </summary>
/// <param name="Offset">A byte offset or a timestamp in nanoseconds, as the source defines it.</param>
/// <param name="Count">A second number when one is not enough (lines already read at <paramref name="Offset"/>).</param>
/// <param name="Cursor">An opaque text position (a journal cursor), or null.</param>
public readonly record struct SourcePosition(long Offset, long Count = 0, string? Cursor = null);
