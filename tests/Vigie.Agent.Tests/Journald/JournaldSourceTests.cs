using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Agent.Collection;
using Vigie.Agent.Journald;
using Vigie.Agent.Tests.Files;
using Vigie.Agent.Tests.Support;

namespace Vigie.Agent.Tests.Journald;

public sealed class JournaldSourceTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly JournalFiles _journal;

    public JournaldSourceTests()
    {
        _journal = new JournalFiles(_dir.File("journal"));
    }

    public void Dispose() => _dir.Dispose();

    private JournaldSourceOptions Options => new() { Enabled = true, Directory = _journal.Directory, ReadFromStart = true };

    private static JournaldSource Source(JournaldSourceOptions options) => new(options, new AgentHost("node-1"), NullLogger.Instance);

    private static async Task<Task> StartAsync(JournaldSource source, ILineSink sink, IPositionBook positions, CancellationToken stop)
    {
        var run = Task.Run(() => source.RunAsync(sink, positions, stop), CancellationToken.None);
        await Task.Yield();
        return run;
    }

    private static void MakeExecutable(string path)
    {
        // The agent (and these tests) run on Linux only.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public async Task Entries_AreMappedToMessageTimeAndFields()
    {
        var binary = Encoding.UTF8.GetBytes("bell \u0001 and\nnewline");
        await _journal.WriteAsync(
            new JournalFiles.Entry(1_764_064_800_123_456, ("MESSAGE", "backup started"), ("SYSLOG_IDENTIFIER", "backup"), ("_SYSTEMD_UNIT", "backup.service"), ("PRIORITY", "5"), ("_PID", "4242")),
            new JournalFiles.Entry(1_764_064_801_000_000, ("MESSAGE", binary), ("_SYSTEMD_UNIT", "nginx.service"), ("PRIORITY", "3")),
            new JournalFiles.Entry(1_764_064_802_000_000, ("MESSAGE", "disk on fire"), ("PRIORITY", "0"), ("SYSLOG_IDENTIFIER", "kernel")),
            new JournalFiles.Entry(1_764_064_803_000_000, ("MESSAGE", new byte[] { 0x6f, 0x6b, 0xff }), ("_SYSTEMD_UNIT", "session-3.scope"), ("PRIORITY", "7")));
        var sink = new RecordingSink();
        using var stop = new CancellationTokenSource();
        var source = Source(Options with { Pipeline = "system" });
        var run = await StartAsync(source, sink, sink, stop.Token);
        var lines = await sink.WaitForAsync(l => l.Count >= 4, TimeSpan.FromSeconds(15));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(4, lines.Count);
        Assert.All(lines, l => Assert.Equal(JournaldSource.SourceKey, l.SourceKey));
        Assert.All(lines, l => Assert.Equal("node-1", l.Fields["host"]));
        Assert.All(lines, l => Assert.Equal("system", l.Pipeline));

        Assert.Equal("backup started", lines[0].Message);
        Assert.Equal(1_764_064_800_123_456_000, lines[0].TimeNs);
        Assert.Equal("backup.service", lines[0].Fields["unit"]);
        Assert.Equal("backup", lines[0].Fields["service"]);
        Assert.Equal("info", lines[0].Fields["level"]);
        Assert.Equal("4242", lines[0].Fields["pid"]);

        // Not printable: journalctl writes it as an array of bytes.
        Assert.Equal("bell \u0001 and\nnewline", lines[1].Message);
        Assert.Equal("nginx", lines[1].Fields["service"]);
        Assert.Equal("error", lines[1].Fields["level"]);
        Assert.False(lines[1].Fields.ContainsKey("pid"));

        Assert.Equal("disk on fire", lines[2].Message);
        Assert.Equal("critical", lines[2].Fields["level"]);
        Assert.Equal("kernel", lines[2].Fields["service"]);
        Assert.False(lines[2].Fields.ContainsKey("unit"));

        Assert.Equal("ok\uFFFD", lines[3].Message);
        Assert.Equal("session-3.scope", lines[3].Fields["service"]);
        Assert.Equal("debug", lines[3].Fields["level"]);

        Assert.True(sink.TryGet(JournaldSource.SourceKey, out var position));
        Assert.StartsWith("s=", position.Cursor, StringComparison.Ordinal);
        Assert.Equal(1, source.Counters.Starts);
        Assert.Equal(0, source.Counters.BadEntries);
    }

    [Fact]
    public async Task Restart_ResumesAfterTheKeptCursor_NoGapNoDuplicate()
    {
        await _journal.WriteAsync(JournalFiles.Numbered(1, 40));
        var sink = new RecordingSink();

        // The first run stops right after its 15th entry reached the buffer.
        using (var stop = new CancellationTokenSource())
        using (var stopAfter = new StopAfterSink(sink, 15))
        {
            var run = await StartAsync(Source(Options), stopAfter, sink, stop.Token);
            await stopAfter.Stopped.WaitAsync(TimeSpan.FromSeconds(15));
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(15, sink.Lines.Count);

        // More entries while the agent is stopped, then more while it runs again.
        await _journal.WriteAsync(JournalFiles.Numbered(41, 50));
        using var stop2 = new CancellationTokenSource();
        var source = Source(Options);
        var second = await StartAsync(source, sink, sink, stop2.Token);
        await sink.WaitForAsync(l => l.Count >= 50, TimeSpan.FromSeconds(15));
        await _journal.WriteAsync(JournalFiles.Numbered(51, 60));
        await sink.WaitForAsync(l => l.Count >= 60, TimeSpan.FromSeconds(15));
        await Task.Delay(300);
        await stop2.CancelAsync();
        await second.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(Enumerable.Range(1, 60).Select(i => $"entry {i}"), sink.Lines.Select(l => l.Message));
        Assert.All(sink.Lines, l => Assert.Equal("worker.service", l.Fields["unit"]));
        Assert.Equal(1, source.Counters.Starts);
    }

    [Fact]
    public async Task SinkFailingOnce_JournalctlStartsAgainAfterTheLastEntryTaken()
    {
        await _journal.WriteAsync(JournalFiles.Numbered(1, 12));
        var sink = new RecordingSink();
        var failing = new FailOnceSink(sink, 5);
        using var stop = new CancellationTokenSource();
        var source = Source(Options);
        var run = await StartAsync(source, failing, sink, stop.Token);
        await sink.WaitForAsync(l => l.Count >= 12, TimeSpan.FromSeconds(15));
        await Task.Delay(300);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(failing.Failed);
        Assert.Equal(2, source.Counters.Starts);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"entry {i}"), sink.Lines.Select(l => l.Message));
    }

    [Fact]
    public async Task FirstStart_WithoutReadFromStart_SendsOnlyNewEntries()
    {
        await _journal.WriteAsync(JournalFiles.Numbered(1, 5));
        var sink = new RecordingSink();
        using var stop = new CancellationTokenSource();
        var source = Source(Options with { ReadFromStart = false });
        var run = await StartAsync(source, sink, sink, stop.Token);
        await FileSourceTests.WaitUntilAsync(() => source.Counters.Starts == 1);
        await Task.Delay(1000);
        Assert.Empty(sink.Lines);

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        await _journal.WriteAsync(new JournalFiles.Entry(now + 1000, ("MESSAGE", "new one"), ("PRIORITY", "6")));
        await sink.WaitForAsync(l => l.Count >= 1, TimeSpan.FromSeconds(15));
        await Task.Delay(300);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["new one"], sink.Lines.Select(l => l.Message));
    }

    [Fact]
    public async Task JournalctlExiting_IsStartedAgainAfterTheLastEntry()
    {
        await _journal.WriteAsync(JournalFiles.Numbered(1, 10));
        // A journalctl that lives one second at a time: every restart must go on after the last entry.
        var wrapper = _dir.File("short-journalctl");
        await File.WriteAllTextAsync(wrapper, "#!/bin/sh\nexec timeout 1 journalctl \"$@\"\n");
        MakeExecutable(wrapper);
        var sink = new RecordingSink();
        using var stop = new CancellationTokenSource();
        var source = Source(Options with { Journalctl = wrapper });
        var run = await StartAsync(source, sink, sink, stop.Token);
        await sink.WaitForAsync(l => l.Count >= 10, TimeSpan.FromSeconds(15));
        await FileSourceTests.WaitUntilAsync(() => source.Counters.Starts >= 2);
        await _journal.WriteAsync(JournalFiles.Numbered(11, 20));
        await sink.WaitForAsync(l => l.Count >= 20, TimeSpan.FromSeconds(15));
        await FileSourceTests.WaitUntilAsync(() => source.Counters.Starts >= 3);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"entry {i}"), sink.Lines.Select(l => l.Message));
    }

    [Fact]
    public async Task BadOutputLines_AreCountedAndSkipped_TheEntriesAroundThemAreKept()
    {
        var fake = _dir.File("fake-journalctl");
        await File.WriteAllTextAsync(fake, """
            #!/bin/sh
            echo '{"__CURSOR":"c1","__REALTIME_TIMESTAMP":"1000","MESSAGE":"first","_PID":["1","2"]}'
            echo 'this is not json'
            echo '{"MESSAGE":"no cursor"}'
            echo '{"__CURSOR":"c2","MESSAGE":null,"PRIORITY":"4","_SYSTEMD_UNIT":"a.service"}'
            echo '{"__CURSOR":"c3","MESSAGE":["one","two"],"SYSLOG_IDENTIFIER":[[104,105]]}'
            sleep 30
            """.Replace("            ", "", StringComparison.Ordinal));
        MakeExecutable(fake);
        var sink = new RecordingSink();
        using var stop = new CancellationTokenSource();
        var source = Source(new JournaldSourceOptions { Enabled = true, Journalctl = fake });
        var run = await StartAsync(source, sink, sink, stop.Token);
        var lines = await sink.WaitForAsync(l => l.Count >= 3, TimeSpan.FromSeconds(15));
        await FileSourceTests.WaitUntilAsync(() => source.Counters.BadEntries == 2);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["first", "", "one"], lines.Select(l => l.Message));
        Assert.Equal(1_000_000, lines[0].TimeNs);
        Assert.Equal("1", lines[0].Fields["pid"]);
        Assert.Equal("warning", lines[1].Fields["level"]);
        Assert.Equal("a", lines[1].Fields["service"]);
        Assert.Equal("hi", lines[2].Fields["service"]);
        sink.TryGet(JournaldSource.SourceKey, out var position);
        Assert.Equal("c3", position.Cursor);
    }

    [Fact]
    public async Task MissingJournalctl_IsRetriedUntilStopped()
    {
        var sink = new RecordingSink();
        using var stop = new CancellationTokenSource();
        var source = Source(new JournaldSourceOptions { Enabled = true, Journalctl = _dir.File("no-such-journalctl") });
        var run = await StartAsync(source, sink, sink, stop.Token);
        await Task.Delay(300);
        Assert.False(run.IsCompleted);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Empty(sink.Lines);
    }

    [Fact]
    public void Arguments_FollowFromNowFromStartOrAfterTheCursor()
    {
        var fromNow = Source(new JournaldSourceOptions { Units = ["nginx.service"] }).Arguments();
        Assert.Contains("--lines=all", fromNow);
        Assert.Contains("--follow", fromNow);
        Assert.Contains("--unit=nginx.service", fromNow);
        Assert.Contains(fromNow, a => a.StartsWith("--since=@", StringComparison.Ordinal));

        var fromStart = Source(new JournaldSourceOptions { ReadFromStart = true, Directory = "/j" }).Arguments();
        Assert.DoesNotContain(fromStart, a => a.StartsWith("--since", StringComparison.Ordinal));
        Assert.Contains("--directory=/j", fromStart);
    }
}
