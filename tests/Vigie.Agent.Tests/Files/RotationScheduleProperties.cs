using FsCheck.Xunit;
using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Agent.Collection;
using Vigie.Agent.Files;
using Vigie.Agent.Tests.Support;

namespace Vigie.Agent.Tests.Files;

/// <summary>
/// A random schedule of writes (some leaving a partial line), polls, rotations (rename or copytruncate,
/// keeping at most one old file) and agent restarts, against the sequence of lines written: every line
/// is sent exactly once, in order. The source is driven one pass at a time, so the schedule decides
/// exactly what it sees; a pass runs between the last write before a rotation and the rotation, and
/// after it, as happens when files rotate less often than the source polls (lines written just before a
/// copytruncate, or into a file renamed away before it was ever opened, are out of reach of any tailer).
/// </summary>
public sealed class RotationScheduleProperties
{
    [Property(MaxTest = 80)]
    public void RandomSchedule_EveryLineOnceInOrder(byte[] schedule, bool globMatchesRotated)
    {
        RunAsync(schedule ?? [], globMatchesRotated).GetAwaiter().GetResult();
    }

    private static async Task RunAsync(byte[] schedule, bool globMatchesRotated)
    {
        using var dir = new TempDirectory();
        var path = dir.File("app.log");
        var rotated = dir.File("app.log.1");
        // A glob that also matches the rotated file sees it renamed (same inode); copytruncate's copy is
        // a new file with lines already sent, so that style goes with a glob matching the live file only.
        var options = new FileSourceOptions
        {
            Inputs = [new FileInput(globMatchesRotated ? path + "*" : path)],
            CloseInactiveAfter = TimeSpan.Zero,
        };
        var sink = new RecordingSink();
        var source = NewSource(options);
        var expected = new List<string>();
        var next = 0;
        string? pending = null;

        async Task Poll() => await source.PollAsync(sink, sink, CancellationToken.None);
        void CompletePending()
        {
            if (pending is not null)
            {
                File.AppendAllText(path, "tial\n");
                expected.Add(pending + "tial");
                pending = null;
            }
        }

        foreach (var b in schedule)
        {
            switch (b % 8)
            {
                case 0 or 1 or 2:
                    var count = 1 + (b / 8 % 5);
                    var text = pending is null ? "" : "tial\n";
                    if (pending is not null)
                    {
                        expected.Add(pending + "tial");
                        pending = null;
                    }
                    for (var i = 0; i < count; i++)
                    {
                        var line = $"line {next++} " + new string('x', b / 8 % 7);
                        text += line + "\n";
                        expected.Add(line);
                    }
                    File.AppendAllText(path, text);
                    break;
                case 3:
                    CompletePending();
                    pending = $"line {next++} par";
                    File.AppendAllText(path, pending);
                    break;
                case 4:
                    await Poll();
                    break;
                case 5:
                    CompletePending();
                    await Poll();
                    File.Delete(rotated);
                    if (File.Exists(path))
                    {
                        File.Move(path, rotated);
                    }
                    File.WriteAllText(path, "");
                    await Poll();
                    break;
                case 6 when !globMatchesRotated:
                    CompletePending();
                    await Poll();
                    if (File.Exists(path))
                    {
                        File.Copy(path, rotated, overwrite: true);
                        using var truncate = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                        truncate.SetLength(0);
                    }
                    await Poll();
                    break;
                case 6:
                    break;
                default:
                    await Poll();
                    source.CloseAll();
                    source = NewSource(options);
                    break;
            }
        }
        CompletePending();
        await Poll();
        await Poll();
        source.CloseAll();

        Assert.Equal(expected, sink.Lines.Select(l => l.Message));
    }

    /// <summary>
    /// Lines of random lengths (some over the bound) written in chunks of random sizes, a pass after
    /// each chunk: what is sent is each line, cut to the bound, whatever the chunks split.
    /// </summary>
    [Property(MaxTest = 60)]
    public void RandomChunks_LinesAreWholeOrCutToTheBound(int seed)
    {
        RunChunksAsync(seed).GetAwaiter().GetResult();
    }

    private static async Task RunChunksAsync(int seed)
    {
        const int max = 200;
        var random = new Random(seed);
        var lines = Enumerable.Range(0, random.Next(1, 40))
            .Select(_ => new string([.. Enumerable.Range(0, random.Next(0, random.Next(2) == 0 ? 30 : 500)).Select(_ => (char)('a' + random.Next(26)))]))
            .ToList();
        var bytes = System.Text.Encoding.ASCII.GetBytes(string.Concat(lines.Select(l => l + "\n")));
        using var dir = new TempDirectory();
        var path = dir.File("app.log");
        var options = new FileSourceOptions { Inputs = [new FileInput(path)], MaxLineBytes = max };
        var source = NewSource(options);
        var sink = new RecordingSink();
        using (var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            for (var at = 0; at < bytes.Length;)
            {
                var chunk = Math.Min(bytes.Length - at, random.Next(1, 700));
                file.Write(bytes, at, chunk);
                file.Flush();
                at += chunk;
                await source.PollAsync(sink, sink, CancellationToken.None);
            }
        }
        source.CloseAll();
        Assert.Equal(lines.Select(l => l.Length > max ? l[..max] : l), sink.Lines.Select(l => l.Message));
    }

    private static FileSource NewSource(FileSourceOptions options) => new(options, new AgentHost("h"), NullLogger.Instance);
}
