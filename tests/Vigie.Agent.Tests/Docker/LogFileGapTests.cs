using System.Text;
using Vigie.Agent.Docker;
using Vigie.Agent.Files;
using Vigie.Agent.Hosting;

namespace Vigie.Agent.Tests.Docker;

/// <summary>
/// Log files Docker deleted (rotated out past <c>max-file</c>) before the agent read them: the loss is
/// reported (counted and logged by the caller), and reading goes on from the oldest file left.
/// Files written here in the drivers' formats, deleted and renamed as Docker does.
/// </summary>
public sealed class LogFileGapTests : IDisposable
{
    private const long BaseTime = LogFileSetTests.BaseTime;

    private readonly string _directory = Directory.CreateTempSubdirectory("vigie-logfilegap-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Resume_FileOfThePositionDeleted_LossReportedAndReadingGoesOnFromTheOldestLeft(bool jsonFile)
    {
        var format = jsonFile ? LogFileFormat.JsonFile : LogFileFormat.Local;
        var log = Path.Combine(_directory, "container.log");
        LogFileSetTests.Write(log + ".2", format, BaseTime + 1_000_000, "a");
        LogFileSetTests.Write(log + ".1", format, BaseTime + 2_000_000, "b");
        LogFileSetTests.Write(log, format, BaseTime + 3_000_000, "c");
        Assert.True(UnixStat.TryStat(log + ".2", out var status));
        // Read up to the end of the first line of the oldest file, which Docker then deletes.
        var cursor = new LogFileCursor(status.Identity.Device, status.Identity.Inode, BaseTime + 1_000_000, FirstEntryLength(log + ".2", format), 0, BaseTime + 1_000_000);
        File.Delete(log + ".2");
        var position = new LogPosition(cursor.ToPosition(cursor.Text()));

        var (lines, losses) = await ReadAsync(log, format, position);

        var loss = Assert.Single(losses);
        Assert.Equal(1, loss.Count);
        Assert.Contains($"{cursor.Device}:{cursor.Inode}", loss.What, StringComparison.Ordinal);
        Assert.Contains($"offset {cursor.Offset}", loss.What, StringComparison.Ordinal);
        Assert.Contains(log + ".1", loss.What, StringComparison.Ordinal);
        Assert.Equal(["b 0", "b 1", "b 2", "c 0", "c 1", "c 2"], lines);
    }

    [Fact]
    public async Task Resume_FileOfThePositionStillThere_NoLoss()
    {
        var log = Path.Combine(_directory, "container.log");
        LogFileSetTests.Write(log + ".1", LogFileFormat.JsonFile, BaseTime + 1_000_000, "a");
        LogFileSetTests.Write(log, LogFileFormat.JsonFile, BaseTime + 2_000_000, "b");
        Assert.True(UnixStat.TryStat(log + ".1", out var status));
        var cursor = new LogFileCursor(status.Identity.Device, status.Identity.Inode, BaseTime + 1_000_000, FirstEntryLength(log + ".1", LogFileFormat.JsonFile), 0, BaseTime + 1_000_000);
        var position = new LogPosition(cursor.ToPosition(cursor.Text()));

        var (lines, losses) = await ReadAsync(log, LogFileFormat.JsonFile, position);

        Assert.Empty(losses);
        Assert.Equal(["a 1", "a 2", "b 0", "b 1", "b 2"], lines);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task MoveOn_NextFileDeletedWhileTheCurrentOneWasRead_LossReported(bool jsonFile)
    {
        var format = jsonFile ? LogFileFormat.JsonFile : LogFileFormat.Local;
        var log = Path.Combine(_directory, "container.log");
        LogFileSetTests.Write(log + ".1", format, BaseTime + 1_000_000, "a");
        LogFileSetTests.Write(log, format, BaseTime + 2_000_000, "b");
        var rotated = false;

        var (lines, losses) = await ReadAsync(log, format, new LogPosition(null), () =>
        {
            if (rotated)
            {
                return;
            }
            rotated = true;
            // While "a" is read (its file open): two rotations with max-file=2, the second deletes "b" unread.
            File.Delete(log + ".1");
            File.Move(log, log + ".1");
            LogFileSetTests.Write(log, format, BaseTime + 3_000_000, "c");
            File.Delete(log + ".1");
            File.Move(log, log + ".1");
            LogFileSetTests.Write(log, format, BaseTime + 4_000_000, "d");
        });

        var loss = Assert.Single(losses);
        Assert.Equal(1, loss.Count);
        Assert.Contains(log + ".1", loss.What, StringComparison.Ordinal);
        Assert.Equal(["a 0", "a 1", "a 2", "c 0", "c 1", "c 2", "d 0", "d 1", "d 2"], lines);
    }

    [Fact]
    public void Metrics_LostFilesCounted_Rendered()
    {
        var metrics = new AgentMetrics();
        Interlocked.Add(ref metrics.Docker.LogFilesLost, 2);

        var text = metrics.Render(null);

        Assert.Contains("\nvigie_agent_docker_log_files_lost_total 2\n", text, StringComparison.Ordinal);
    }

    /// <summary>Reads the files until the container "stopped" (at once: the run ends at the end of the live file).</summary>
    private static async Task<(List<string> Lines, List<(int Count, string What)> Losses)> ReadAsync(string log, LogFileFormat format, LogPosition position, Action? onLine = null)
    {
        var lines = new List<string>();
        var losses = new List<(int, string)>();
        using var reader = new LogFileReader(log, format, 64 * 1024) { FilesLost = (count, what) => losses.Add((count, what)) };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await reader.ReadRunAsync(position, (stream, time, text, after, token) =>
        {
            lines.Add(Encoding.UTF8.GetString(text.Span));
            onLine?.Invoke();
            return ValueTask.CompletedTask;
        }, _ => Task.FromResult(false), () => false, timeout.Token);
        return (lines, losses);
    }

    private static long FirstEntryLength(string path, LogFileFormat format)
    {
        var bytes = File.ReadAllBytes(path);
        return format == LogFileFormat.JsonFile
            ? Array.IndexOf(bytes, (byte)'\n') + 1
            : System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes) + 8;
    }
}
