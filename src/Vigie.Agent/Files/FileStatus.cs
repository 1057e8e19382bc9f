namespace Vigie.Agent.Files;

/// <summary>What the file source needs from <c>stat</c>.</summary>
/// <param name="Identity">Device and inode.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="ModifiedNs">The last modification time, in nanoseconds since the Unix epoch.</param>
/// <param name="Links">How many names the file has: 0 once it is deleted (while still open).</param>
/// <param name="IsRegularFile">False for directories, pipes, devices.</param>
internal readonly record struct FileStatus(FileIdentity Identity, long Size, long ModifiedNs, uint Links, bool IsRegularFile);
