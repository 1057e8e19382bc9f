using Vigie.Agent.Collection;
using Vigie.Agent.Docker;
using Vigie.Agent.Tests.Support;
using Vigie.Testing.Docker;

namespace Vigie.Agent.Tests.Docker;

/// <summary>The Docker source against a real daemon and busybox containers, into a recording sink.</summary>
[Collection(DockerCollection.Name)]
public sealed class DockerSourceTests(DockerFixture docker) : DockerSourceTestBase(docker, TimeSpan.FromSeconds(20))
{
    private (CancellationTokenSource Stop, Task Run) StartSource(RecordingSink sink, IReadOnlyList<string>? labels = null) =>
        StartSource(sink, new DockerSourceOptions { LabelAllowList = labels ?? [] });

    [Fact]
    public async Task Run_ContainerWithoutTty_StdoutAndStderrWithMetadata()
    {
        var sink = new RecordingSink();
        StartSource(sink);
        var name = Unique("plain");
        var id = await RunAsync(name, "echo out 1; echo err 1 >&2; echo out 2; echo err 2 >&2");
        var lines = Of(await LinesOfAsync(sink, id, 4), id);
        Assert.Equal(["out 1", "out 2"], lines.Where(l => l.Fields["stream"] == "stdout").Select(l => l.Message));
        Assert.Equal(["err 1", "err 2"], lines.Where(l => l.Fields["stream"] == "stderr").Select(l => l.Message));
        Assert.All(lines, l =>
        {
            Assert.Equal("test-host", l.Fields["host"]);
            Assert.Equal(name, l.Fields["container"]);
            Assert.Equal(LocalDockerDaemon.Image, l.Fields["image"]);
            Assert.False(l.Fields.ContainsKey("project"));
            Assert.Null(l.Pipeline);
            Assert.InRange(Math.Abs(l.TimeNs - Core.Timestamps.Now()), 0, 60_000_000_000L);
        });
        // In order per stream: Docker stamps stdout and stderr in two copiers, so across the two streams
        // a line can follow one with a later time.
        foreach (var stream in lines.GroupBy(l => l.Fields["stream"]))
        {
            Assert.Equal(stream.Select(l => l.TimeNs).Order(), stream.Select(l => l.TimeNs));
        }
    }

    [Fact]
    public async Task Run_ContainerWithTty_LinesWithoutCarriageReturns()
    {
        var sink = new RecordingSink();
        StartSource(sink);
        var id = await RunAsync(Unique("tty"), "echo one; echo two >&2; printf 'three\\r\\n'", "-t");
        var lines = Of(await LinesOfAsync(sink, id, 3), id);
        // A TTY has one stream: what goes to stderr is stdout too.
        Assert.Equal(["one", "two", "three"], lines.Select(l => l.Message));
        Assert.All(lines, l => Assert.Equal("stdout", l.Fields["stream"]));
    }

    [Fact]
    public async Task Run_ContainerStartedBeforeTheSource_ReadFromItsFirstLine()
    {
        var id = await RunAsync(Unique("early"), "echo early 1; echo early 2; sleep 30");
        await Task.Delay(300);
        var sink = new RecordingSink();
        StartSource(sink);
        var lines = Of(await LinesOfAsync(sink, id, 2), id);
        Assert.Equal(["early 1", "early 2"], lines.Select(l => l.Message));
    }

    [Fact]
    public async Task Run_ContainerRunAndExitedBeforeTheFirstConnection_Read()
    {
        // The source starts while its socket path leads nowhere; the container runs and exits; only then
        // does the path lead to the daemon. Neither the list (the container is stopped) nor the live
        // events (its start is past) name it: only the events replayed since the source started do.
        var dir = Directory.CreateTempSubdirectory("vigie-docker-late-");
        try
        {
            var socket = Path.Combine(dir.FullName, "docker.sock");
            var sink = new RecordingSink();
            StartSource(sink, sink, new DockerSourceOptions(), "unix://" + socket);
            var name = Unique("brief");
            var id = await RunAsync(name, "echo brief 1; echo brief 2");
            await Daemon.RunOkAsync(["wait", id]);
            File.CreateSymbolicLink(socket, Daemon.SocketPath);
            var lines = Of(await LinesOfAsync(sink, id, 2), id);
            Assert.Equal(["brief 1", "brief 2"], lines.Select(l => l.Message));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Run_ContainerRestarted_EveryRunOnceInOrder()
    {
        var sink = new RecordingSink();
        StartSource(sink);
        // The container's file system outlives its runs: it counts them.
        var id = await RunAsync(Unique("restart"), "n=$(cat /runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > /runs; for i in 1 2 3; do echo run $n line $i; done");
        await LinesOfAsync(sink, id, 3);
        await Daemon.RunOkAsync(["start", id]);
        await LinesOfAsync(sink, id, 6);
        await Daemon.RunOkAsync(["restart", id]);
        var lines = Of(await LinesOfAsync(sink, id, 9), id);
        await Task.Delay(500);
        Assert.Equal(
            [.. from run in new[] { 1, 2, 3 } from line in new[] { 1, 2, 3 } select $"run {run} line {line}"],
            Of(sink.Lines, id).Select(l => l.Message));
    }

    [Fact]
    public async Task Run_ContainerRenamed_NewLinesCarryTheNewName()
    {
        var sink = new RecordingSink();
        StartSource(sink);
        var oldName = Unique("before");
        var newName = Unique("after");
        var id = await RunAsync(oldName, "i=0; while true; do i=$((i+1)); echo tick $i; usleep 50000; done");
        await LinesOfAsync(sink, id, 5);
        await Daemon.RunOkAsync(["rename", oldName, newName]);
        await sink.WaitForAsync(lines => Of(lines, id).Count(l => l.Fields["container"] == newName) >= 5, Wait);
        await Daemon.RunOkAsync(["rm", "-f", id]);
        var lines = Of(sink.Lines, id);
        Assert.Equal(Enumerable.Range(1, lines.Count).Select(i => $"tick {i}"), lines.Select(l => l.Message));
        var names = lines.Select(l => l.Fields["container"]).ToList();
        var firstNew = names.IndexOf(newName);
        Assert.True(firstNew > 0);
        Assert.All(names[..firstNew], n => Assert.Equal(oldName, n));
        Assert.All(names[firstNew..], n => Assert.Equal(newName, n));
    }

    [Fact]
    public async Task Run_OptOutAndPipelineLabels_Honoured()
    {
        var sink = new RecordingSink();
        StartSource(sink);
        var hidden = await RunAsync(Unique("hidden"), "echo secret", "--label", "vigie.enable=false");
        var piped = await RunAsync(Unique("piped"), "echo through nginx", "--label", "vigie.pipeline=nginx");
        var line = Assert.Single(Of(await LinesOfAsync(sink, piped, 1), piped));
        Assert.Equal("nginx", line.Pipeline);
        // The opted-out container ran first: by now its line would be there.
        await Task.Delay(500);
        Assert.Empty(Of(sink.Lines, hidden));
    }

    [Fact]
    public async Task Run_ComposeAndAllowListedLabels_BecomeFields()
    {
        var sink = new RecordingSink();
        StartSource(sink, labels: ["team", "tier"]);
        var id = await RunAsync(Unique("composed"), "echo hello",
            "--label", "com.docker.compose.project=shop", "--label", "com.docker.compose.service=web",
            "--label", "team=payments", "--label", "secret=do-not-copy");
        var line = Assert.Single(Of(await LinesOfAsync(sink, id, 1), id));
        Assert.Equal("shop", line.Fields["project"]);
        Assert.Equal("web", line.Fields["service"]);
        Assert.Equal("payments", line.Fields["label.team"]);
        Assert.False(line.Fields.ContainsKey("label.tier"));
        Assert.False(line.Fields.ContainsKey("label.secret"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_LineLongerThanDockersSplit_OneWholeLine(bool tty)
    {
        var sink = new RecordingSink();
        StartSource(sink);
        // 40000 bytes: Docker logs it in three chunks of at most 16 KiB.
        var id = await RunAsync(Unique("long"), "head -c 40000 /dev/zero | tr '\\0' 'x'; echo; echo short", tty ? ["-t"] : []);
        var lines = Of(await LinesOfAsync(sink, id, 2), id);
        Assert.Equal(new string('x', 40000), lines[0].Message);
        Assert.Equal("short", lines[1].Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_LastLineWithoutLineFeed_Kept(bool tty)
    {
        var sink = new RecordingSink();
        StartSource(sink);
        var id = await RunAsync(Unique("partial"), "echo whole; printf 'no line feed'", tty ? ["-t"] : []);
        var lines = Of(await LinesOfAsync(sink, id, 2), id);
        Assert.Equal(["whole", "no line feed"], lines.Select(l => l.Message));
    }

    [Fact]
    public async Task Run_SourceStoppedAndStartedAgain_EveryLineOnce()
    {
        var sink = new RecordingSink();
        var first = StartSource(sink);
        const int Count = 3000;
        var id = await RunAsync(Unique("resume"),
            // A pause half-way leaves the second half for after the stop, however fast the first source reads.
            $"i=0; while [ $i -lt {Count} ]; do echo line $i; [ $((i % 7)) = 0 ] && echo err $i >&2; [ $i = {Count / 2} ] && sleep 3; i=$((i+1)); done");
        await LinesOfAsync(sink, id, 300);
        await StopSourceAsync(first);
        var before = Of(sink.Lines, id).Count;
        Assert.True(sink.TryGet("docker:" + id, out _));
        await Task.Delay(200);
        StartSource(sink);
        var expected = Count + Enumerable.Range(0, Count).Count(i => i % 7 == 0);
        await LinesOfAsync(sink, id, expected);
        await Task.Delay(500);
        var lines = Of(sink.Lines, id);
        Assert.True(before < expected, $"the first source read everything ({before} lines) before it was stopped");
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"line {i}"), lines.Where(l => l.Fields["stream"] == "stdout").Select(l => l.Message));
        Assert.Equal(Enumerable.Range(0, Count).Where(i => i % 7 == 0).Select(i => $"err {i}"), lines.Where(l => l.Fields["stream"] == "stderr").Select(l => l.Message));
    }

    [Fact]
    public async Task Run_DaemonRestarted_ReconnectsAndResumes()
    {
        var sink = new RecordingSink();
        StartSource(sink);
        var id = await RunAsync(Unique("survivor"), "n=$(cat /runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > /runs; for i in 1 2 3; do echo run $n line $i; done");
        await LinesOfAsync(sink, id, 3);
        // Down long enough for the source's backoff to grow to seconds: both containers below run and
        // exit before it reconnects, and are known to it only from the events the daemon replays.
        await Daemon.RestartAsync(downFor: TimeSpan.FromSeconds(4));
        await Daemon.RunOkAsync(["start", id]);
        var later = await RunAsync(Unique("later"), "echo after the restart");
        await LinesOfAsync(sink, later, 1);
        await LinesOfAsync(sink, id, 6);
        await Task.Delay(500);
        Assert.Equal(
            [.. from run in new[] { 1, 2 } from line in new[] { 1, 2, 3 } select $"run {run} line {line}"],
            Of(sink.Lines, id).Select(l => l.Message));
    }

    [Fact]
    public async Task Run_ContainerWhoseLogCannotBeRead_OthersStillFollowed()
    {
        var sink = new RecordingSink();
        StartSource(sink);
        var unreadable = await RunAsync(Unique("no-log"), "echo nowhere; sleep 30", "--log-driver", "none");
        await Task.Delay(300);
        var readable = await RunAsync(Unique("readable"), "echo here");
        var line = Assert.Single(Of(await LinesOfAsync(sink, readable, 1), readable));
        Assert.Equal("here", line.Message);
        Assert.Empty(Of(sink.Lines, unreadable));
    }

    [Fact]
    public async Task Run_SinkRefusesALine_ReadAgainNothingLostNorDoubled()
    {
        var sink = new RecordingSink();
        var refusing = new RefusingSink(sink, refuseAt: 5);
        StartSource(refusing, sink, new DockerSourceOptions());
        var id = await RunAsync(Unique("refused"), "i=1; while [ $i -le 10 ]; do echo line $i; i=$((i+1)); done");
        await LinesOfAsync(sink, id, 10);
        await Task.Delay(300);
        Assert.Equal(1, refusing.Refused);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"line {i}"), Of(sink.Lines, id).Select(l => l.Message));
    }

    /// <summary>Refuses one line (as a buffer on a full disk would), then takes everything.</summary>
    private sealed class RefusingSink(RecordingSink inner, int refuseAt) : ILineSink
    {
        private int _seen;

        public int Refused { get; private set; }

        public ValueTask AppendAsync(CollectedLine line, CancellationToken cancellationToken)
        {
            if (++_seen == refuseAt)
            {
                Refused++;
                throw new IOException("No space left on device");
            }
            return inner.AppendAsync(line, cancellationToken);
        }
    }

    [Fact]
    public async Task Run_ContainerRemoved_PositionForgotten()
    {
        var sink = new RecordingSink();
        StartSource(sink);
        var id = await RunAsync(Unique("removed"), "echo bye");
        await LinesOfAsync(sink, id, 1);
        Assert.True(sink.TryGet("docker:" + id, out _));
        await Daemon.RunOkAsync(["rm", id]);
        var deadline = DateTime.UtcNow + Wait;
        while (sink.TryGet("docker:" + id, out _) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.False(sink.TryGet("docker:" + id, out _));
    }

    [Fact]
    public async Task Run_ContainerRemovedWhileTheSourceWasStopped_PositionForgottenAtTheNextStart()
    {
        var sink = new RecordingSink();
        var fileOrigin = new LineOrigin("file:1:2", []);
        await sink.AppendAsync(new CollectedLine(fileOrigin, 1, "a file's line"u8.ToArray(), new SourcePosition(14)), CancellationToken.None);
        var first = StartSource(sink);
        var gone = await RunAsync(Unique("gone"), "echo bye");
        var staying = await RunAsync(Unique("staying"), "echo hello; sleep 3600");
        await LinesOfAsync(sink, gone, 1);
        await LinesOfAsync(sink, staying, 1);
        await StopSourceAsync(first);
        await Daemon.RunOkAsync(["rm", gone]);

        StartSource(sink);
        var deadline = DateTime.UtcNow + Wait;
        while (sink.TryGet("docker:" + gone, out _) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.False(sink.TryGet("docker:" + gone, out _));
        // The other positions stay; the container still there is followed on, nothing read twice.
        Assert.True(sink.TryGet("docker:" + staying, out _));
        Assert.True(sink.TryGet("file:1:2", out _));
        await Daemon.RunOkAsync(["exec", staying, "sh", "-c", "echo again > /proc/1/fd/1"]);
        await LinesOfAsync(sink, staying, 2);
        Assert.Equal(["hello", "again"], Of(sink.Lines, staying).Select(l => l.Message));
    }
}
