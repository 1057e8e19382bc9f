using Microsoft.Win32.SafeHandles;
using Vigie.Agent.Collection;

namespace Vigie.Agent.Files;

/// <summary>
/// A followed file, held open: it is read through its handle, so a rename or a delete does not stop the
/// reading of what is left in it.
/// </summary>
internal sealed class TailedFile(SafeFileHandle handle, FileIdentity identity, string path, LineOrigin origin, long offset, int maxLineBytes, FileSourceCounters counters)
    : LineFile(origin, offset, maxLineBytes, counters)
{
    public FileIdentity Identity { get; } = identity;

    /// <summary>The name it was last seen under.</summary>
    public string Path { get; set; } = path;

    /// <summary>The size at the last check, to see whether it still grows.</summary>
    public long LastSize { get; set; } = -1;

    /// <summary>When it last grew (<see cref="Environment.TickCount64"/>).</summary>
    public long LastGrowthMs { get; set; } = Environment.TickCount64;

    /// <summary>Whether it is no longer found under its glob (renamed away or deleted).</summary>
    public bool Gone { get; set; }

    public FileStatus Status() => UnixStat.Stat(handle);

    protected override int Read(Span<byte> destination, long position) => RandomAccess.Read(handle, destination, position);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            handle.Dispose();
        }
    }
}
