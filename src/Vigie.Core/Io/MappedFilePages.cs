using System.Globalization;
using System.Runtime.InteropServices;

namespace Vigie.Core.Io;

/// <summary>
/// Gives back the pages of the runtime's and the assemblies' files that an idle server touched once
/// and no longer uses. A page of a mapped file, once touched, stays in the process's resident set
/// until the kernel needs the memory: after start-up, an ingest and a query, about 50 MB of them
/// (the runtime's native libraries, <c>System.Private.CoreLib</c>, ASP.NET Core), most of which the
/// server at rest never runs again. <c>madvise(MADV_PAGEOUT)</c> asks the kernel to reclaim them now.
/// It is only advice: a page is read back from its file when next used, nothing written is lost
/// (a private copy of a page would have to go to swap, so with none it stays), and the kernel leaves
/// alone the pages other processes map too.
/// </summary>
public static partial class MappedFilePages
{
    private const int MadvPageout = 21;

    private static bool _unavailable;

    /// <summary>
    /// Pages out every file mapping of this process but the double-mapped code (<c>memfd:</c>, shared
    /// memory the runtime writes) and devices. Returns the number of mappings advised; 0 where the
    /// kernel has no <c>MADV_PAGEOUT</c> (before Linux 5.4) or on other systems.
    /// </summary>
    public static int PageOut()
    {
        if (!OperatingSystem.IsLinux() || _unavailable)
        {
            return 0;
        }
        string maps;
        try
        {
            maps = File.ReadAllText("/proc/self/maps");
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
        var advised = 0;
        foreach (var (start, length) in FileRanges(maps))
        {
            int result;
            try
            {
                result = Madvise((nint)start, (nuint)length, MadvPageout);
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                _unavailable = true;
                return 0;
            }
            if (result == 0)
            {
                advised++;
                continue;
            }
            var errno = Marshal.GetLastPInvokeError();
            // EINVAL: the kernel does not know the advice (or the range is locked or special): stop
            // asking when nothing was ever accepted.
            if (errno == 22 && advised == 0)
            {
                _unavailable = true;
                return 0;
            }
        }
        return advised;
    }

    /// <summary>
    /// The ranges of <c>/proc/PID/maps</c> text that map regular files: a path that starts with
    /// <c>/</c>, not under <c>/dev/</c>, not a <c>memfd:</c> (shown as <c>/memfd:NAME (deleted)</c>).
    /// </summary>
    public static List<(ulong Start, ulong Length)> FileRanges(string maps)
    {
        ArgumentNullException.ThrowIfNull(maps);
        var ranges = new List<(ulong Start, ulong Length)>();
        foreach (var line in maps.AsSpan().EnumerateLines())
        {
            if (TryParseFileRange(line, out var start, out var length))
            {
                ranges.Add((start, length));
            }
        }
        return ranges;
    }

    private static bool TryParseFileRange(ReadOnlySpan<char> line, out ulong start, out ulong length)
    {
        start = 0;
        length = 0;
        // address perms offset dev inode [path]: the path is what follows the fifth field.
        var rest = line;
        ReadOnlySpan<char> range = default;
        for (var field = 0; field < 5; field++)
        {
            rest = rest.TrimStart(' ');
            var end = rest.IndexOf(' ');
            if (end < 0)
            {
                return false;
            }
            if (field == 0)
            {
                range = rest[..end];
            }
            rest = rest[end..];
        }
        var path = rest.Trim(' ');
        if (path.Length == 0 || path[0] != '/' || path.StartsWith("/dev/", StringComparison.Ordinal) || path.StartsWith("/memfd:", StringComparison.Ordinal))
        {
            return false;
        }
        var dash = range.IndexOf('-');
        if (dash <= 0
            || !ulong.TryParse(range[..dash], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out start)
            || !ulong.TryParse(range[(dash + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var end2)
            || end2 <= start)
        {
            return false;
        }
        length = end2 - start;
        return true;
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);
}
