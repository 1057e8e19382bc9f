using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core.Io;

namespace Vigie.Core.Tests;

public class MappedFilePagesTests
{
    private static readonly string[] Paths =
    [
        "", "[heap]", "[stack]", "[vdso]", "[anon:GC]", "/usr/lib/x86_64-linux-gnu/libc.so.6",
        "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.0/System.Private.CoreLib.dll",
        "/memfd:doublemapper (deleted)", "/dev/shm/x", "/dev/zero (deleted)", "/data/a b/part 1.bin",
        "/tmp/gone (deleted)",
    ];

    /// <summary>The reference: a file mapping is a line whose sixth field onwards is a path of a file.</summary>
    private static (ulong, ulong)? Reference(string line)
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 6)
        {
            return null;
        }
        var path = fields[5].Trim();
        if (!path.StartsWith('/') || path.StartsWith("/dev/", StringComparison.Ordinal) || path.StartsWith("/memfd:", StringComparison.Ordinal))
        {
            return null;
        }
        var range = fields[0].Split('-');
        var start = ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var end = ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return (start, end - start);
    }

    [Fact]
    public void FileRanges_AreTheLinesThatMapFiles()
    {
        var line = from start in Gen.Choose(1, 1 << 20)
                   from pages in Gen.Choose(1, 4096)
                   from perms in Gen.Elements("r--p", "r-xp", "rw-p", "rw-s", "---p")
                   from path in Gen.Elements(Paths)
                   from pad in Gen.Choose(1, 20)
                   select string.Create(CultureInfo.InvariantCulture,
                       $"{(ulong)start * 4096:x12}-{((ulong)start + (ulong)pages) * 4096:x12} {perms} 00000000 08:01 {start}{(path.Length == 0 ? "" : new string(' ', pad) + path)}");
        Prop.ForAll(Gen.ListOf(line).ToArbitrary(), lines =>
        {
            var maps = string.Join('\n', lines) + "\n";
            var expected = lines.Select(Reference).Where(r => r is not null).Select(r => r!.Value).ToList();
            return MappedFilePages.FileRanges(maps).SequenceEqual(expected);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void PageOut_LeavesTheProcessRunning()
    {
        // MADV_PAGEOUT came with Linux 5.4.
        if (!OperatingSystem.IsLinux() || Environment.OSVersion.Version < new Version(5, 4))
        {
            return;
        }
        Assert.NotEmpty(MappedFilePages.FileRanges(File.ReadAllText("/proc/self/maps")));
        Assert.True(MappedFilePages.PageOut() > 0);
        // The paged-out code and data come back from their files.
        Assert.Equal("3.5", 3.5.ToString(CultureInfo.InvariantCulture));
        Assert.True(MappedFilePages.PageOut() > 0);
    }
}
