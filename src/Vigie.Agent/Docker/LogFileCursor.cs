using System.Globalization;
using Vigie.Agent.Collection;

namespace Vigie.Agent.Docker;

/// <summary>
/// Where reading a container's log files stands: which file (device and inode, and the time of its first
/// entry, which stays the same once Docker compresses the rotated file under another inode), the offset
/// to read on from, and how many whole lines from there were handed over already (non-zero only while a
/// line split by Docker is unfinished on one stream and lines of the other stream came after its start).
/// </summary>
/// <param name="LastTimeNs">The time of the last line read: where to resume if the file is gone.</param>
internal readonly record struct LogFileCursor(ulong Device, ulong Inode, long FirstTimeNs, long Offset, long Skip, long LastTimeNs)
{
    private const string Prefix = "file:";

    /// <summary>
    /// As the position book keeps it: the offset and the last line's time as numbers, the rest in the
    /// cursor text (<see cref="Text"/>), which stays the same from line to line so the caller keeps it.
    /// </summary>
    public SourcePosition ToPosition(string text) => new(Offset, LastTimeNs, text);

    /// <summary>The cursor text of this file and skip count.</summary>
    public string Text() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Device}:{Inode}:{FirstTimeNs}:{Skip}");

    /// <summary>Whether <paramref name="other"/> has the same cursor text (same file, same skip count).</summary>
    public bool SameText(LogFileCursor other) =>
        Device == other.Device && Inode == other.Inode && FirstTimeNs == other.FirstTimeNs && Skip == other.Skip;

    public static bool TryParse(SourcePosition position, out LogFileCursor cursor)
    {
        cursor = default;
        if (position.Cursor is not { } text || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var parts = text[Prefix.Length..].Split(':');
        if (parts.Length != 4
            || !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var device)
            || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var skip))
        {
            return false;
        }
        cursor = new LogFileCursor(device, inode, first, position.Offset, skip, position.Count);
        return true;
    }
}
