using Vigie.Agent.Collection;
using Vigie.Agent.Docker;
using Vigie.Agent.Tests.Support;
using Vigie.Testing.Docker;

namespace Vigie.Agent.Tests.Docker;

/// <summary>
/// The Docker source reading the <c>json-file</c> and <c>local</c> drivers' files directly
/// (<see cref="DockerSourceOptions.ReadLogFiles"/>), against a real daemon: same lines, same metadata,
/// across rotations and restarts of the source.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class DockerLogFilesTests(DockerFixture docker) : DockerSourceTestBase(docker, TimeSpan.FromSeconds(30))
{
    private (CancellationTokenSource Stop, Task Run) StartSource(RecordingSink sink, bool files = true) =>
        StartSource(sink, new DockerSourceOptions { ReadLogFiles = files });

    private static string[] Driver(string driver, params string[] options) =>
        ["--log-driver", driver, .. options.SelectMany(o => new[] { "--log-opt", o })];

    /// <summary>The position kept is a file's (identity, offset), not the API stream's (time, count).</summary>
    private static void AssertReadFromFiles(RecordingSink sink, string id)
    {
        Assert.True(sink.TryGet("docker:" + id, out var position));
        Assert.StartsWith("file:", position.Cursor);
    }

    [Theory]
    [InlineData("json-file")]
    [InlineData("local")]
    public async Task Run_DriverFiles_LinesStreamsMetadataSplitAndUnfinishedLines(string driver)
    {
        var sink = new RecordingSink();
        StartSource(sink);
        var name = Unique("files-" + driver);
        // 40000 bytes: Docker logs it in three pieces of at most 16 KiB; quotes and a tab are escaped in JSON.
        var id = await RunAsync(name,
            "echo out 1; echo err 1 >&2; printf 'tab\\there \"quoted\" \\\\ done\\n'; head -c 40000 /dev/zero | tr '\\0' 'x'; echo; echo err 2 >&2; printf 'no line feed'",
            Driver(driver));
        var lines = Of(await LinesOfAsync(sink, id, 6), id);
        await Task.Delay(300);
        lines = Of(sink.Lines, id);
        Assert.Equal(["out 1", "tab\there \"quoted\" \\ done", new string('x', 40000), "no line feed"],
            lines.Where(l => l.Fields["stream"] == "stdout").Select(l => l.Message));
        Assert.Equal(["err 1", "err 2"], lines.Where(l => l.Fields["stream"] == "stderr").Select(l => l.Message));
        Assert.All(lines, l =>
        {
            Assert.Equal("test-host", l.Fields["host"]);
            Assert.Equal(name, l.Fields["container"]);
            Assert.Equal(LocalDockerDaemon.Image, l.Fields["image"]);
            Assert.InRange(Math.Abs(l.TimeNs - Core.Timestamps.Now()), 0, 60_000_000_000L);
        });
        AssertReadFromFiles(sink, id);
    }

    [Theory]
    [InlineData("json-file", false)]
    [InlineData("local", true)]
    public async Task Run_SmallMaxSize_EveryLineOnceInOrderAcrossRotations(string driver, bool compress)
    {
        var sink = new RecordingSink();
        StartSource(sink);
        const int Count = 1500;
        // About 100 KB of log in 8 KB files: a dozen rotations while the source follows.
        var id = await RunAsync(Unique("rotate-" + driver),
            $"i=0; while [ $i -lt {Count} ]; do echo line $i of the rotating container; [ $((i % 10)) = 0 ] && echo err $i >&2 && usleep 20000; i=$((i+1)); done",
            Driver(driver, "max-size=8k", "max-file=20", "compress=" + (compress ? "true" : "false")));
        var expected = Count + (Count / 10);
        await LinesOfAsync(sink, id, expected);
        await Task.Delay(500);
        var lines = Of(sink.Lines, id);
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"line {i} of the rotating container"), lines.Where(l => l.Fields["stream"] == "stdout").Select(l => l.Message));
        Assert.Equal(Enumerable.Range(0, Count).Where(i => i % 10 == 0).Select(i => $"err {i}"), lines.Where(l => l.Fields["stream"] == "stderr").Select(l => l.Message));
        AssertReadFromFiles(sink, id);
    }

    [Theory]
    [InlineData("json-file", false)]
    [InlineData("local", true)]
    public async Task Run_SourceStoppedWhileTheLogRotates_ResumesEveryLineOnce(string driver, bool compress)
    {
        var sink = new RecordingSink();
        var first = StartSource(sink);
        const int Count = 3000;
        var id = await RunAsync(Unique("resume-" + driver),
            // A pause after the first lines leaves the rest (and its rotations) for after the stop.
            $"i=0; while [ $i -lt {Count} ]; do echo line $i; [ $((i % 7)) = 0 ] && echo err $i >&2; [ $i = 100 ] && sleep 3; i=$((i+1)); done",
            Driver(driver, "max-size=8k", "max-file=80", "compress=" + (compress ? "true" : "false")));
        await LinesOfAsync(sink, id, 50);
        await StopSourceAsync(first);
        var before = Of(sink.Lines, id).Count;
        AssertReadFromFiles(sink, id);
        // The container writes the rest, rotating its file many times, while no source reads.
        await Task.Delay(5000);
        StartSource(sink);
        var expected = Count + Enumerable.Range(0, Count).Count(i => i % 7 == 0);
        await LinesOfAsync(sink, id, expected);
        await Task.Delay(500);
        var lines = Of(sink.Lines, id);
        Assert.True(before < expected / 2, $"the first source read {before} lines before it was stopped");
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"line {i}"), lines.Where(l => l.Fields["stream"] == "stdout").Select(l => l.Message));
        Assert.Equal(Enumerable.Range(0, Count).Where(i => i % 7 == 0).Select(i => $"err {i}"), lines.Where(l => l.Fields["stream"] == "stderr").Select(l => l.Message));
    }

    [Fact]
    public async Task Run_FromTheApiStreamToTheFilesAndBack_EveryLineOnce()
    {
        var sink = new RecordingSink();
        var api = StartSource(sink, files: false);
        var id = await RunAsync(Unique("switch"),
            "i=0; while [ $i -lt 300 ]; do echo line $i; [ $i = 100 ] && sleep 2; [ $i = 200 ] && sleep 3; i=$((i+1)); done");
        await LinesOfAsync(sink, id, 101);
        await StopSourceAsync(api);
        Assert.True(sink.TryGet("docker:" + id, out var apiPosition));
        Assert.Null(apiPosition.Cursor);
        var files = StartSource(sink, files: true);
        await LinesOfAsync(sink, id, 201);
        await StopSourceAsync(files);
        AssertReadFromFiles(sink, id);
        StartSource(sink, files: false);
        await LinesOfAsync(sink, id, 300);
        await Task.Delay(500);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"line {i}"), Of(sink.Lines, id).Select(l => l.Message));
    }

    [Fact]
    public async Task Run_ContainerRestarted_EveryRunOnceInOrder()
    {
        var sink = new RecordingSink();
        StartSource(sink);
        var id = await RunAsync(Unique("files-restart"), "n=$(cat /runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > /runs; for i in 1 2 3; do echo run $n line $i; done");
        await LinesOfAsync(sink, id, 3);
        await Daemon.RunOkAsync(["start", id]);
        await LinesOfAsync(sink, id, 6);
        await Daemon.RunOkAsync(["restart", id]);
        await LinesOfAsync(sink, id, 9);
        await Task.Delay(500);
        Assert.Equal(
            [.. from run in new[] { 1, 2, 3 } from line in new[] { 1, 2, 3 } select $"run {run} line {line}"],
            Of(sink.Lines, id).Select(l => l.Message));
        AssertReadFromFiles(sink, id);
    }
}
