namespace Vigie.Agent.Files;

/// <summary>
/// What a file is, whatever its name: its device and inode. A rotated file keeps its identity under its
/// new name, and a new file created under the old name gets another one.
/// </summary>
/// <param name="Device">The device number as <c>stat -c %d</c> prints it.</param>
/// <param name="Inode">The inode number as <c>stat -c %i</c> prints it.</param>
public readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    /// <summary>The key the file's position is kept under: <c>file:&lt;device&gt;:&lt;inode&gt;</c>.</summary>
    public string SourceKey => $"file:{Device}:{Inode}";
}
