using Vigie.Agent.Files;

namespace Vigie.Agent.Docker;

/// <summary>One file of a container's log: the live one, or one rotated out (<c>.1</c>, <c>.2.gz</c>, ...).</summary>
/// <param name="Compressed">Gzip'd by Docker after rotation: its identity is not the original file's.</param>
/// <param name="FirstTimeNs">The time of its first entry; <see cref="long.MaxValue"/> when it has none yet (only the live file).</param>
internal sealed record LogFileCandidate(string Path, bool Compressed, FileIdentity Identity, long FirstTimeNs);
