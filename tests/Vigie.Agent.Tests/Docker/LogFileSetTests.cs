using System.Buffers.Binary;
using System.Text;
using Vigie.Agent.Docker;
using Vigie.Agent.Files;

namespace Vigie.Agent.Tests.Docker;

/// <summary>
/// The list of a container's log files, made while Docker rotates them: files written here in the
/// drivers' formats, renamed as Docker does at the moment the list looks at a given file.
/// </summary>
public sealed class LogFileSetTests : IDisposable
{
    internal const long BaseTime = 1_764_000_000_000_000_000;

    private readonly string _directory = Directory.CreateTempSubdirectory("vigie-logfileset-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void List_LiveFileRotatedWhileTheRotatedOnesAreLookedAt_NoFileLeftOut(bool jsonFile)
    {
        var format = jsonFile ? LogFileFormat.JsonFile : LogFileFormat.Local;
        var log = Path.Combine(_directory, "container.log");
        Write(log + ".1", format, BaseTime + 1, "a");
        Write(log, format, BaseTime + 2, "b");
        var live = Identity(log);
        var rotated = false;

        var files = LogFileSet.List(log, format, path =>
        {
            if (path == log + ".1" && !rotated)
            {
                // Docker rotates right after .1 was looked at: .1 -> .2, the live file -> .1, a new live file.
                rotated = true;
                File.Move(log + ".1", log + ".2");
                File.Move(log, log + ".1");
                Write(log, format, BaseTime + 3, "c");
            }
        });

        Assert.True(rotated);
        // The files in log order from the oldest, with none left out between: "b" follows "a".
        var times = files.Select(f => f.FirstTimeNs).ToList();
        Assert.True(times.Count >= 2 && times[0] == BaseTime + 1 && times[1] == BaseTime + 2,
            $"listed the files starting at {string.Join(", ", times.Select(t => t - BaseTime))} (1, 2 expected first)");
        Assert.Equal(live, files[1].Identity);
    }

    [Fact]
    public void Open_NameTakenByAnotherFileSinceListed_TheIdentityTellsIt()
    {
        var log = Path.Combine(_directory, "container.log");
        Write(log, LogFileFormat.JsonFile, BaseTime + 1, "a");
        var listed = Assert.Single(LogFileSet.List(log, LogFileFormat.JsonFile));
        File.Move(log, log + ".1");
        Write(log, LogFileFormat.JsonFile, BaseTime + 2, "b");

        using var stream = LogFileSet.Open(listed, out var identity);

        // The reader checks this before reading: the file it opened is not the one listed.
        Assert.NotNull(stream);
        Assert.NotEqual(listed.Identity, identity);
    }

    private static FileIdentity Identity(string path)
    {
        Assert.True(UnixStat.TryStat(path, out var status));
        return status.Identity;
    }

    /// <summary>A file of the driver's format with a few stdout lines, the first at <paramref name="firstTimeNs"/>.</summary>
    internal static void Write(string path, LogFileFormat format, long firstTimeNs, string text)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        for (var i = 0; i < 3; i++)
        {
            var time = firstTimeNs + (i * 1000);
            var line = $"{text} {i}";
            file.Write(format == LogFileFormat.JsonFile
                ? Encoding.UTF8.GetBytes($"{{\"log\":\"{line}\\n\",\"stream\":\"stdout\",\"time\":\"{DockerLogEncoding.Stamp(time)}\"}}\n")
                : LocalEntry(time, line));
        }
    }

    /// <summary>Docker's <c>logdriver.LogEntry</c> (source 1, time_nano 2, line 3) between its big-endian length twice.</summary>
    private static byte[] LocalEntry(long timeNs, string line)
    {
        var message = new List<byte> { 0x0A, 6 };
        message.AddRange("stdout"u8.ToArray());
        message.Add(0x10);
        for (var value = (ulong)timeNs; ; value >>= 7)
        {
            if (value < 0x80)
            {
                message.Add((byte)value);
                break;
            }
            message.Add((byte)((value & 0x7F) | 0x80));
        }
        var bytes = Encoding.UTF8.GetBytes(line);
        message.Add(0x1A);
        message.Add((byte)bytes.Length);
        message.AddRange(bytes);
        var entry = new byte[message.Count + 8];
        BinaryPrimitives.WriteUInt32BigEndian(entry, (uint)message.Count);
        message.CopyTo(entry, 4);
        BinaryPrimitives.WriteUInt32BigEndian(entry.AsSpan(4 + message.Count), (uint)message.Count);
        return entry;
    }
}
