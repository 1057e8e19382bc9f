using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Vigie.Agent.Files;

/// <summary>
/// Device and inode numbers, which .NET does not expose, from Linux's <c>statx</c> (glibc 2.28 and later).
/// <c>statx</c> rather than <c>stat</c> because its result has one layout on every architecture, where
/// <c>struct stat</c> differs between x86-64 and arm64.
/// </summary>
internal static partial class UnixStat
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int BufferSize = 256;
    private const int FileTypeMask = 0xF000;
    private const int RegularFile = 0x8000;

    /// <summary>Follows symbolic links; false (and no exception) when the path does not exist or cannot be read.</summary>
    public static unsafe bool TryStat(string path, out FileStatus status)
    {
        var buffer = stackalloc byte[BufferSize];
        if (Statx(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
        {
            status = default;
            return false;
        }
        status = Read(new ReadOnlySpan<byte>(buffer, BufferSize));
        return true;
    }

    /// <summary>The status of an open file, whatever name it has now (or none, once deleted).</summary>
    public static unsafe FileStatus Stat(SafeFileHandle handle)
    {
        var buffer = stackalloc byte[BufferSize];
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            if (Statx(fd, "", AtEmptyPath, StatxBasicStats, buffer) != 0)
            {
                throw new IOException($"statx on an open file failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
        return Read(new ReadOnlySpan<byte>(buffer, BufferSize));
    }

    // struct statx (linux/stat.h): fixed offsets, native byte order.
    private static FileStatus Read(ReadOnlySpan<byte> b)
    {
        var links = Native32(b[16..]);
        var mode = BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(b[28..]) : BinaryPrimitives.ReadUInt16BigEndian(b[28..]);
        var inode = Native64(b[32..]);
        var size = (long)Native64(b[40..]);
        var mtimeSeconds = (long)Native64(b[112..]);
        var mtimeNanos = Native32(b[120..]);
        var devMajor = Native32(b[136..]);
        var devMinor = Native32(b[140..]);
        var identity = new FileIdentity(MakeDevice(devMajor, devMinor), inode);
        return new FileStatus(identity, size, (mtimeSeconds * 1_000_000_000) + mtimeNanos, links, (mode & FileTypeMask) == RegularFile);
    }

    /// <summary>glibc's <c>makedev</c>, so that the number matches what <c>stat</c> prints.</summary>
    private static ulong MakeDevice(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) | ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);

    private static uint Native32(ReadOnlySpan<byte> b) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);

    private static ulong Native64(ReadOnlySpan<byte> b) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(b) : BinaryPrimitives.ReadUInt64BigEndian(b);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);
}
