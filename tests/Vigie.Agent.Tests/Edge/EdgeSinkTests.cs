using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Agent.Collection;
using Vigie.Agent.Delivery;
using Vigie.Agent.Edge;
using Vigie.Pipelines;
using Vigie.Pipelines.Configuration;
using static Vigie.Agent.Tests.Delivery.BufferHelpers;

namespace Vigie.Agent.Tests.Edge;

/// <summary>Edge pipelines between the sources and the real disk buffer: what is sent, and which positions are kept.</summary>
public sealed class EdgeSinkTests : IDisposable
{
    private const long T0 = 1_764_064_800_000_000_000;

    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-agent-edge-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static IReadOnlyList<Pipeline> Pipelines(string yaml) => PipelineConfigLoader.Parse(yaml, "agent.yaml", ".", builtIns: false);

    private static CollectedLine Line(LineOrigin origin, long position, string message) =>
        new(origin, T0 + position, Encoding.UTF8.GetBytes(message), new SourcePosition(position));

    [Fact]
    public async Task Lines_AreJoinedFilteredAndParsed_AndTheLastEventLeavesAfterItsTimeout()
    {
        var pipelines = Pipelines("""
            pipelines:
              traces:
                if: 'container:api'
                processors:
                  - multiline: {start: '^\d{4}-', timeout: 0.3}
              health:
                processors:
                  - drop: {if: '_msg:"GET /healthz"'}
              fields:
                if: 'container:api'
                processors:
                  - grok: {pattern: '^%{NOTSPACE:day} %{WORD:level} took=%{NUMBER:took:int}'}
                  - remove: {fields: [day]}
            """);
        var api = new LineOrigin("docker:api", [new("host", "h1"), new("container", "api")], "java");
        var web = new LineOrigin("docker:web", [new("host", "h1"), new("container", "web")]);
        await using var buffer = Open(_dir);
        await using var edge = new EdgeSink(buffer, pipelines, NullLogger.Instance);

        await edge.AppendAsync(Line(api, 1, "2026-11-25 ERROR took=12 boom"), CancellationToken.None);
        await edge.AppendAsync(Line(web, 1, "GET /healthz 200"), CancellationToken.None);
        await edge.AppendAsync(Line(api, 2, "  at A.B()"), CancellationToken.None);
        await edge.AppendAsync(Line(web, 2, "GET /index.html 200"), CancellationToken.None);
        await edge.AppendAsync(Line(api, 3, "  at C.D()"), CancellationToken.None);
        await edge.AppendAsync(Line(api, 4, "2026-11-25 INFO took=3 fine"), CancellationToken.None);

        // The INFO line may be continued: nothing comes after it, so its timeout sends it.
        var lines = await WaitForLinesAsync(buffer, 3);
        Assert.Equal(3, lines.Count);
        Assert.Equal(["2026-11-25 ERROR took=12 boom\n  at A.B()\n  at C.D()", "2026-11-25 INFO took=3 fine"], Messages(lines, "api"));
        Assert.Equal(["GET /index.html 200"], Messages(lines, "web"));
        var error = lines.Single(l => Msg(l).Contains("ERROR", StringComparison.Ordinal));
        Assert.Equal("ERROR", error.GetProperty("level").GetString());
        Assert.Equal(JsonValueKind.Number, error.GetProperty("took").ValueKind);
        Assert.Equal(12, error.GetProperty("took").GetInt32());
        Assert.False(error.TryGetProperty("day", out _));
        Assert.Equal("java", error.GetProperty("_pipeline").GetString());
        Assert.Equal("2025-11-25T10:00:00.000000001Z", error.GetProperty("_time").GetString());
        Assert.Equal("h1", error.GetProperty("host").GetString());
        Assert.Equal(2, edge.JoinedLines);
        Assert.Equal(1, edge.DroppedEvents);
        Assert.True(buffer.TryGet("docker:api", out var apiPosition));
        Assert.Equal(4, apiPosition.Offset);
        // The dropped line's position is not recorded: a restart would read it again, to drop it again.
        Assert.True(buffer.TryGet("docker:web", out var webPosition));
        Assert.Equal(2, webPosition.Offset);
    }

    [Fact]
    public async Task AHeldEvent_HoldsItsSourcesPosition_SoACrashReadsItAgain_OnceAndInOrder()
    {
        // stdout and stderr of one container share one position (its log timestamp): an event held on
        // stdout holds the stderr line read after it, else the position would pass the held lines.
        var pipelines = Pipelines("""
            pipelines:
              traces:
                if: 'stream:stdout'
                processors:
                  - multiline: {continuation: '^\s', timeout: 60}
            """);
        var stdout = new LineOrigin("docker:c1", [new("container", "c1"), new("stream", "stdout")]);
        var stderr = new LineOrigin("docker:c1", [new("container", "c1"), new("stream", "stderr")]);
        CollectedLine[] read =
        [
            Line(stdout, 1, "Exception: boom"),
            Line(stdout, 2, "  at A.B()"),
            Line(stderr, 3, "warning on stderr"),
            Line(stdout, 4, "next event"),
        ];

        var buffer = Open(_dir);
        var edge = new EdgeSink(buffer, pipelines, NullLogger.Instance);
        foreach (var line in read[..3])
        {
            await edge.AppendAsync(line, CancellationToken.None);
        }
        await buffer.FlushAsync(CancellationToken.None);
        Assert.Empty(PendingLines(buffer));
        Assert.False(buffer.TryGet("docker:c1", out _));
        // The agent dies here: the held event and the line behind it were never buffered.
        await edge.DisposeAsync();
        await buffer.CloseAsync(TimeSpan.FromSeconds(5));

        // At the next start the source resumes from the buffer's position (none: the start), reads the
        // same lines again and one more.
        buffer = Open(_dir);
        await using (buffer)
        {
            Assert.False(buffer.TryGet("docker:c1", out _));
            edge = new EdgeSink(buffer, pipelines, NullLogger.Instance);
            foreach (var line in read)
            {
                await edge.AppendAsync(line, CancellationToken.None);
            }
            await buffer.FlushAsync(CancellationToken.None);
            Assert.Equal(["Exception: boom\n  at A.B()", "warning on stderr"], PendingLines(buffer).Select(Msg));
            Assert.True(buffer.TryGet("docker:c1", out var position));
            Assert.Equal(3, position.Offset);

            // Stopping sends what is held.
            await edge.FlushAllAsync(CancellationToken.None);
            await edge.DisposeAsync();
            await buffer.FlushAsync(CancellationToken.None);
            Assert.Equal(["Exception: boom\n  at A.B()", "warning on stderr", "next event"], PendingLines(buffer).Select(Msg));
            Assert.True(buffer.TryGet("docker:c1", out position));
            Assert.Equal(4, position.Offset);
        }
    }

    [Fact]
    public async Task AFailingProcessor_KeepsTheLine_Tagged()
    {
        var pipelines = Pipelines("""
            pipelines:
              numbers:
                processors:
                  - convert: {fields: {_msg: int}}
            """);
        var origin = Origin("file:1:2");
        await using var buffer = Open(_dir);
        await using var edge = new EdgeSink(buffer, pipelines, NullLogger.Instance);
        await edge.AppendAsync(Line(origin, 1, "42"), CancellationToken.None);
        await edge.AppendAsync(Line(origin, 2, "not a number"), CancellationToken.None);
        await buffer.FlushAsync(CancellationToken.None);
        var lines = PendingLines(buffer);
        Assert.Equal(JsonValueKind.Number, lines[0].GetProperty("_msg").ValueKind);
        Assert.Equal("not a number", Msg(lines[1]));
        Assert.StartsWith("numbers/convert: ", lines[1].GetProperty("_pipeline_error").GetString(), StringComparison.Ordinal);
    }

    private static string[] Messages(List<JsonElement> lines, string container) =>
        [.. lines.Where(l => l.GetProperty("container").GetString() == container).Select(Msg)];

    private static async Task<List<JsonElement>> WaitForLinesAsync(DiskBuffer buffer, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            await buffer.FlushAsync(CancellationToken.None);
            var lines = PendingLines(buffer);
            if (lines.Count >= count || DateTime.UtcNow > deadline)
            {
                await Task.Delay(300);
                await buffer.FlushAsync(CancellationToken.None);
                return PendingLines(buffer);
            }
            await Task.Delay(50);
        }
    }
}
