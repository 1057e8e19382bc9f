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

    /// <summary>Whether the last read failed (so that a lasting failure is logged once).</summary>
    public bool Failing { get; set; }

    public FileStatus Status() => UnixStat.Stat(handle);

    // The file's first bytes as last seen: copytruncate followed by quick writes can leave the file
    // longer than the position, and only its changed beginning then tells that it was rewritten.
    private readonly byte[] _head = new byte[HeadBytes];
    private int _headLength;

    private const int HeadBytes = 128;

    /// <summary>
    /// Whether the file's beginning is still what it was (and remembers more of it while it is short).
    /// False means the file was truncated and written again since the last look.
    /// </summary>
    public bool HeadUnchanged(long size)
    {
        var length = (int)Math.Min(HeadBytes, Math.Min(size, Offset));
        if (length < _headLength)
        {
            return false;
        }
        Span<byte> now = stackalloc byte[HeadBytes];
        var read = RandomAccess.Read(handle, now[..length], 0);
        if (read < _headLength || !now[.._headLength].SequenceEqual(_head.AsSpan(0, _headLength)))
        {
            return false;
        }
        now[_headLength..read].CopyTo(_head.AsSpan(_headLength));
        _headLength = read;
        return true;
    }

    /// <summary>Forgets the remembered beginning (after the file was found truncated).</summary>
    public void ForgetHead()
    {
        _headLength = 0;
        _fingerprintLength = -1;
    }

    private int _fingerprintLength = -1;
    private long _fingerprint;

    /// <summary>
    /// A hash of the file's first bytes (up to 128, and not past the position), kept in the position's
    /// <see cref="SourcePosition.Count"/>: a restarted agent that finds other bytes there knows the file
    /// was truncated and written again (or the inode reused) while it was stopped, and reads it from its start.
    /// </summary>
    protected override long Fingerprint(long after)
    {
        var length = (int)Math.Min(HeadBytes, after);
        if (length != _fingerprintLength)
        {
            _fingerprint = HeadFingerprint(handle, length);
            _fingerprintLength = length;
        }
        return _fingerprint;
    }

    /// <summary>FNV-1a over the first <paramref name="length"/> bytes; never 0 (0 means "none kept").</summary>
    public static long HeadFingerprint(SafeFileHandle handle, int length)
    {
        Span<byte> head = stackalloc byte[HeadBytes];
        var read = RandomAccess.Read(handle, head[..Math.Min(length, HeadBytes)], 0);
        var hash = 14695981039346656037UL;
        foreach (var b in head[..read])
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        hash ^= (ulong)read;
        return hash == 0 ? 1 : (long)hash;
    }

    protected override int Read(Span<byte> destination, long position) => RandomAccess.Read(handle, destination, position);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            handle.Dispose();
        }
    }
}
