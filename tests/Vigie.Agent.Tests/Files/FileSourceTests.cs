using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Vigie.Agent.Collection;
using Vigie.Agent.Files;
using Vigie.Agent.Tests.Support;

namespace Vigie.Agent.Tests.Files;

public sealed class FileSourceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private FileInput Logs(string glob = "*.log", string? pipeline = null, bool compressed = false) =>
        new(Path.Combine(_dir.Path, glob), pipeline, compressed);

    private static void Append(string path, string text) => File.AppendAllText(path, text);

    [Fact]
    public async Task Append_LinesAreSentWithHostFileAndInodeKey()
    {
        var path = _dir.File("app.log");
        Append(path, "one\ntwo\n");
        var sink = new RecordingSink();
        await using var run = FileSourceRun.Start(sink, Logs(pipeline: "nginx"));
        await run.ExpectAsync("one", "two");

        Append(path, "three\n");
        await run.ExpectAsync("one", "two", "three");

        var key = "file:" + Stat(path);
        Assert.All(sink.Lines, l => Assert.Equal(key, l.SourceKey));
        Assert.All(sink.Lines, l => Assert.Equal("test-host", l.Fields["host"]));
        Assert.All(sink.Lines, l => Assert.Equal(path, l.Fields["file"]));
        Assert.All(sink.Lines, l => Assert.Equal("nginx", l.Pipeline));
        Assert.True(sink.TryGet(key, out var position));
        Assert.Equal(new FileInfo(path).Length, position.Offset);
    }

    [Fact]
    public async Task PartialFinalLine_WaitsForItsLineFeed()
    {
        var path = _dir.File("app.log");
        Append(path, "first\nhalf of a li");
        var sink = new RecordingSink();
        await using var run = FileSourceRun.Start(sink, Logs());
        await run.ExpectAsync("first");
        await Task.Delay(500);
        Assert.Single(sink.Lines);

        Append(path, "ne\nlast\n");
        await run.ExpectAsync("first", "half of a line", "last");
        sink.TryGet("file:" + Stat(path), out var position);
        Assert.Equal(new FileInfo(path).Length, position.Offset);
    }

    [Fact]
    public async Task CrLfAndEmptyLines_AreKeptAsLinesWithoutCarriageReturn()
    {
        var path = _dir.File("app.log");
        Append(path, "dos\r\n\nunix\n\r\n");
        var sink = new RecordingSink();
        await using var run = FileSourceRun.Start(sink, Logs());
        await run.ExpectAsync("dos", "", "unix", "");
    }

    [Fact]
    public async Task RotationByRename_OldFileIsReadToItsEndThenTheNewOneFromItsStart()
    {
        var path = _dir.File("app.log");
        var writer = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        void Write(Stream s, string text)
        {
            s.Write(Encoding.UTF8.GetBytes(text));
            s.Flush();
        }
        Write(writer, "1\n2\n");
        var sink = new RecordingSink();
        await using var run = FileSourceRun.Start(sink, Logs());
        await run.ExpectAsync("1", "2");
        var oldKey = "file:" + Stat(path);

        // logrotate's "create": rename, a new empty file under the old name; the program writes a bit
        // more to the old file before it reopens (a partial line, completed on the old file too).
        File.Move(path, _dir.File("app.log.1"));
        File.WriteAllText(path, "");
        Write(writer, "3\n4 par");
        await Task.Delay(150);
        Write(writer, "tial\n");
        await writer.DisposeAsync();
        writer = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        Write(writer, "5\n6\n");
        await writer.DisposeAsync();

        await run.ExpectAsync("1", "2", "3", "4 partial", "5", "6");
        var newKey = "file:" + Stat(path);
        Assert.NotEqual(oldKey, newKey);
        Assert.Equal([oldKey, oldKey, oldKey, oldKey, newKey, newKey], sink.Lines.Select(l => l.SourceKey));
        // Once the renamed file stopped growing, it is closed and its position forgotten.
        await WaitUntilAsync(() => run.Source.Counters.FilesClosed == 1);
        Assert.False(sink.TryGet(oldKey, out _));
        Assert.True(sink.TryGet(newKey, out _));
    }

    [Fact]
    public async Task CopyTruncate_FileIsReadAgainFromItsStart()
    {
        var path = _dir.File("app.log");
        Append(path, "a fairly long first line\na fairly long second line\n");
        var sink = new RecordingSink();
        await using var run = FileSourceRun.Start(sink, Logs());
        await run.ExpectAsync("a fairly long first line", "a fairly long second line");

        // logrotate's "copytruncate": copy (to a name the glob does not match), then truncate in place.
        File.Copy(path, _dir.File("app.log.1"));
        using (var truncate = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            truncate.SetLength(0);
        }
        await WaitUntilAsync(() => run.Source.Counters.Truncations == 1);
        Append(path, "after\n");
        await run.ExpectAsync("a fairly long first line", "a fairly long second line", "after");
        Assert.Equal(1, run.Source.Counters.FilesOpened);
    }

    [Fact]
    public async Task Truncation_ToShorterContent_IsReadFromItsStart()
    {
        var path = _dir.File("app.log");
        Append(path, "old line number one\nold line number two\n");
        var sink = new RecordingSink();
        await using var run = FileSourceRun.Start(sink, Logs());
        await run.ExpectAsync("old line number one", "old line number two");

        // Truncated and rewritten between two polls: shorter than what was read, so it is new content.
        File.WriteAllText(path, "new\n");
        await run.ExpectAsync("old line number one", "old line number two", "new");
        Assert.Equal(1, run.Source.Counters.Truncations);
    }

    [Fact]
    public async Task NewFileMatchingTheGlob_IsReadFromItsStart_OthersAreIgnored()
    {
        var sink = new RecordingSink();
        await using var run = FileSourceRun.Start(sink, Logs(), new FileInput(Path.Combine(_dir.Path, "**", "*.txt")));
        await Task.Delay(200);
        Append(_dir.File("b.log"), "b1\nb2\n");
        Append(_dir.File("c.csv"), "not followed\n");
        Append(_dir.File(".hidden.log"), "not followed\n");
        await run.ExpectAsync("b1", "b2");

        Directory.CreateDirectory(_dir.File(Path.Combine("deep", "er")));
        Append(_dir.File(Path.Combine("deep", "er", "d.txt")), "deep\n");
        await run.ExpectAsync("b1", "b2", "deep");
        Assert.Equal(_dir.File(Path.Combine("deep", "er", "d.txt")), sink.Lines[^1].Fields["file"]);
    }

    [Fact]
    public async Task DeletedFile_IsFinishedWithItsPartialLineThenForgotten()
    {
        var path = _dir.File("app.log");
        Append(path, "1\n2\n");
        var sink = new RecordingSink();
        await using var run = FileSourceRun.Start(sink, Logs());
        await run.ExpectAsync("1", "2");
        var key = "file:" + Stat(path);

        // Written and deleted between two polls: the open file is still read to its end.
        Append(path, "3\nno line feed");
        File.Delete(path);
        await run.ExpectAsync("1", "2", "3", "no line feed");
        await WaitUntilAsync(() => run.Source.Counters.FilesClosed == 1);
        Assert.False(sink.TryGet(key, out _));
    }

    [Fact]
    public async Task GzipRotatedFile_IsReadOnceWhenAsked_WithUncompressedOffsets()
    {
        var gz = _dir.File("app.log.2.gz");
        WriteGzip(gz, "z1\nz2\nz3 without line feed");
        File.SetLastWriteTimeUtc(gz, DateTime.UtcNow.AddMinutes(-5));
        Append(_dir.File("app.log"), "plain\n");
        var sink = new RecordingSink();
        await using (var run = FileSourceRun.Start(sink, Logs("app.log*", compressed: true)))
        {
            await WaitUntilAsync(() => sink.Lines.Count == 4);
            Assert.Equal(["plain", "z1", "z2", "z3 without line feed"], sink.Lines.Select(l => l.Message).Order(StringComparer.Ordinal));
            Assert.Equal(1, run.Source.Counters.CompressedFilesRead);
            var gzKey = "file:" + Stat(gz);
            Assert.Equal(3, sink.Lines.Count(l => l.SourceKey == gzKey));
            sink.TryGet(gzKey, out var position);
            Assert.Equal("z1\nz2\nz3 without line feed".Length, position.Offset);
            await Task.Delay(500);
            Assert.Equal(4, sink.Lines.Count);
        }

        // A restarted agent finds the .gz's position at its end: nothing again.
        await using (var again = FileSourceRun.Start(sink, Logs("app.log*", compressed: true)))
        {
            await WaitUntilAsync(() => again.Source.Counters.CompressedFilesRead == 1);
            await Task.Delay(300);
            Assert.Equal(4, sink.Lines.Count);
        }

        // Without ReadCompressed, a matching .gz is ignored (not read as text).
        var other = new RecordingSink();
        await using var plain = FileSourceRun.Start(other, Logs("app.log*"));
        await plain.ExpectAsync("plain");
    }

    [Fact]
    public async Task GzipBeingWritten_IsLeftUntilItStopsChanging()
    {
        var gz = _dir.File("app.log.1.gz");
        WriteGzip(gz, "fresh\n");
        var sink = new RecordingSink();
        var options = FileSourceRun.Options(Logs("*.gz", compressed: true)) with { CloseInactiveAfter = TimeSpan.FromSeconds(3) };
        await using var run = FileSourceRun.Start(sink, sink, options);
        await Task.Delay(600);
        Assert.Empty(sink.Lines);
        await run.ExpectAsync("fresh");
    }

    [Fact]
    public async Task LongLine_IsCutAndCounted_TheNextLineIsIntact()
    {
        var path = _dir.File("app.log");
        Append(path, new string('x', 250) + "\nnext\n" + new string('y', 120));
        var sink = new RecordingSink();
        var options = FileSourceRun.Options(Logs()) with { MaxLineBytes = 100 };
        await using var run = FileSourceRun.Start(sink, sink, options);
        await run.ExpectAsync(new string('x', 100), "next", new string('y', 100));

        // The rest of the cut line is dropped up to its line feed.
        Append(path, "yyy\nafter\n");
        await run.ExpectAsync(new string('x', 100), "next", new string('y', 100), "after");
        Assert.Equal(2, run.Source.Counters.LinesCut);
    }

    [Fact]
    public async Task Restart_ResumesFromKeptPositions_NoGapNoDuplicate()
    {
        var a = _dir.File("a.log");
        var b = _dir.File("b.log");
        Append(a, string.Concat(Enumerable.Range(1, 50).Select(i => $"a{i}\n")));
        Append(b, string.Concat(Enumerable.Range(1, 50).Select(i => $"b{i}\n")));
        var sink = new RecordingSink();

        // The first run stops in the middle: right after the 30th line reached the buffer.
        using (var stopAfter = new StopAfterSink(sink, 30))
        {
            var first = FileSourceRun.Start(sink, stopAfter, FileSourceRun.Options(Logs()));
            await stopAfter.Stopped.WaitAsync(TimeSpan.FromSeconds(10));
            await first.StopAsync();
            await first.DisposeAsync();
        }
        Assert.Equal(30, sink.Lines.Count);

        Append(a, "a51\n");
        Append(_dir.File("c.log"), "c1\n");
        await using var second = FileSourceRun.Start(sink, Logs());
        await sink.WaitForAsync(l => l.Count >= 102, TimeSpan.FromSeconds(10));
        await Task.Delay(300);
        var lines = sink.Lines.Select(l => l.Message).ToList();
        Assert.Equal(Enumerable.Range(1, 51).Select(i => $"a{i}"), lines.Where(l => l[0] == 'a'));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"b{i}"), lines.Where(l => l[0] == 'b'));
        Assert.Equal(["c1"], lines.Where(l => l[0] == 'c'));
        Assert.Equal(102, lines.Count);
    }

    [Fact]
    public async Task SinkFailingOnce_TheLineIsReadAgain_NoGapNoDuplicate()
    {
        var path = _dir.File("app.log");
        Append(path, string.Concat(Enumerable.Range(1, 10).Select(i => $"{i}\n")));
        var sink = new RecordingSink();
        var failing = new FailOnceSink(sink, 4);
        await using var run = FileSourceRun.Start(sink, failing, FileSourceRun.Options(Logs()));
        await run.ExpectAsync([.. Enumerable.Range(1, 10).Select(i => $"{i}")]);
        Assert.True(failing.Failed);
    }

    [Fact]
    public async Task Restart_FileRewrittenWhileStopped_IsReadFromItsStart()
    {
        var path = _dir.File("app.log");
        Append(path, "before 1\n");
        var sink = new RecordingSink();
        await using (var first = FileSourceRun.Start(sink, Logs()))
        {
            await first.ExpectAsync("before 1");
        }

        // Truncated and written again to the same length while the agent was stopped: only the
        // beginning kept with the position tells.
        File.WriteAllText(path, "after  1\nafter  2\n");
        await using var second = FileSourceRun.Start(sink, Logs());
        await second.ExpectAsync("before 1", "after  1", "after  2");
        Assert.Equal(1, second.Source.Counters.Truncations);
    }

    [Fact]
    public async Task RealLogrotate_CreateAndCopyTruncate_LoseNothing()
    {
        var path = _dir.File("app.log");
        var state = _dir.File("logrotate.state");
        var sink = new RecordingSink();
        await using var run = FileSourceRun.Start(sink, Logs());
        var expected = new List<string>();
        for (var round = 0; round < 4; round++)
        {
            var lines = Enumerable.Range(1, 20).Select(i => $"round {round} line {i}").ToList();
            Append(path, string.Concat(lines.Select(l => l + "\n")));
            expected.AddRange(lines);
            await run.ExpectAsync([.. expected]);
            var config = _dir.File("logrotate.conf");
            File.WriteAllText(config, $"{path} {{\n  rotate 1\n  {(round % 2 == 0 ? "create" : "copytruncate")}\n  missingok\n}}\n");
            var rotate = Process.Start(new ProcessStartInfo(File.Exists("/usr/sbin/logrotate") ? "/usr/sbin/logrotate" : "logrotate", ["--force", "--state", state, config]) { RedirectStandardError = true })!;
            var errors = await rotate.StandardError.ReadToEndAsync();
            await rotate.WaitForExitAsync();
            Assert.True(rotate.ExitCode == 0, errors);
        }
        Append(path, "last\n");
        expected.Add("last");
        await run.ExpectAsync([.. expected]);
        Assert.Equal(2, run.Source.Counters.Truncations);
    }

    private static void WriteGzip(string path, string text)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Device and inode as coreutils' stat prints them.</summary>
    internal static string Stat(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-L", "-c", "%d:%i", path]) { RedirectStandardOutput = true })!;
        var output = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        Assert.Equal(0, stat.ExitCode);
        return output;
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for a condition");
            await Task.Delay(50);
        }
    }
}

/// <summary>Passes lines on until the n-th, then refuses (as a stopping agent's buffer does).</summary>
internal sealed class StopAfterSink(ILineSink inner, int count) : ILineSink, IDisposable
{
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _seen;

    public Task Stopped => _stopped.Task;

    public async ValueTask AppendAsync(CollectedLine line, CancellationToken cancellationToken)
    {
        if (_seen >= count)
        {
            _stopped.TrySetResult();
            // Never completes: the source is stuck here until it is stopped, as when the buffer is full.
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        _seen++;
        await inner.AppendAsync(line, cancellationToken);
    }

    public void Dispose() => _stopped.TrySetCanceled();
}
