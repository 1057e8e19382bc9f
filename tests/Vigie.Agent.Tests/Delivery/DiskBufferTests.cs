using System.Text;
using Vigie.Agent.Collection;
using Vigie.Agent.Delivery;
using static Vigie.Agent.Tests.Delivery.BufferHelpers;

namespace Vigie.Agent.Tests.Delivery;

public sealed class DiskBufferTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-agent-buffer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Lines_ComeBackInOrder_AsTheWireContractSays()
    {
        var web = new LineOrigin("docker:abc", [new("host", "h1"), new("container", "web"), new("image", "nginx:1")], "nginx");
        var db = Origin("docker:def");
        await using var buffer = Open(_dir);
        for (var i = 1; i <= 250; i++)
        {
            await buffer.AppendAsync(Line(web, i), CancellationToken.None);
            await buffer.AppendAsync(Line(db, i), CancellationToken.None);
        }
        await buffer.AppendAsync(new CollectedLine(db, 5, "quote \" <tag> été \u0001 end"u8.ToArray(), new SourcePosition(251))
        {
            Fields = [new("level", "error"), new("pid", "42")],
        }, CancellationToken.None);
        await buffer.AppendAsync(new CollectedLine(db, -1_500_000_000, new byte[] { 0x61, 0xff, 0x62 }, new SourcePosition(252)), CancellationToken.None);
        await buffer.FlushAsync(CancellationToken.None);

        var lines = PendingLines(buffer);
        Assert.Equal(502, lines.Count);
        Assert.Equal([.. Enumerable.Range(1, 250).Select(i => $"docker:abc line {i}")], lines.Where(l => l.GetProperty("container").GetString() == "web").Select(Msg));
        Assert.Equal([.. Enumerable.Range(1, 250).Select(i => $"docker:def line {i}")], lines.Where(l => l.GetProperty("container").GetString() == "docker:def").Take(250).Select(Msg));
        var first = lines[0];
        Assert.Equal("2025-11-25T10:00:00.000000001Z", first.GetProperty("_time").GetString());
        Assert.Equal("nginx:1", first.GetProperty("image").GetString());
        Assert.Equal("nginx", first.GetProperty("_pipeline").GetString());
        Assert.False(lines[1].TryGetProperty("_pipeline", out _));
        var special = lines[^2];
        Assert.Equal("quote \" <tag> été \u0001 end", Msg(special));
        Assert.Equal("error", special.GetProperty("level").GetString());
        Assert.Equal("42", special.GetProperty("pid").GetString());
        Assert.Equal("1970-01-01T00:00:00.000000005Z", special.GetProperty("_time").GetString());
        Assert.Equal("a\uFFFDb", Msg(lines[^1]));
        Assert.Equal("1969-12-31T23:59:58.500000000Z", lines[^1].GetProperty("_time").GetString());

        Assert.True(buffer.TryGet("docker:abc", out var web250));
        Assert.Equal(new SourcePosition(250), web250);
        Assert.True(buffer.TryGet("docker:def", out var db252));
        Assert.Equal(new SourcePosition(252), db252);
        Assert.Equal(502, buffer.PendingLines);
    }

    [Fact]
    public async Task Positions_AreThoseOfDurableLinesOnly()
    {
        var origin = Origin("file:1:2");
        await using var buffer = Open(_dir, o => o with { BatchMaxAge = TimeSpan.FromHours(1) });
        await buffer.AppendAsync(Line(origin, 1), CancellationToken.None);
        Assert.False(buffer.TryGet("file:1:2", out _));
        await buffer.FlushAsync(CancellationToken.None);
        Assert.True(buffer.TryGet("file:1:2", out var position));
        Assert.Equal(1, position.Offset);
    }

    [Fact]
    public async Task TimeBound_SealsABatchWithoutMoreLines()
    {
        var origin = Origin("journald");
        await using var buffer = Open(_dir, o => o with { BatchMaxLines = 10_000, BatchMaxAge = TimeSpan.FromMilliseconds(100) });
        await buffer.AppendAsync(Line(origin, 7) with { After = new SourcePosition(0, 0, "s=abc;i=7") }, CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!buffer.TryGet("journald", out _) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.True(buffer.TryGet("journald", out var position));
        Assert.Equal("s=abc;i=7", position.Cursor);
    }

    [Fact]
    public async Task Reopen_KeepsPositionsAndUnsentRecords_AckDeletesSegments()
    {
        var origin = Origin("docker:x");
        await using (var buffer = Open(_dir, o => o with { MaxBytes = 1024 * 1024, BatchMaxAge = TimeSpan.FromHours(1) }))
        {
            for (var i = 1; i <= 1000; i++)
            {
                await buffer.AppendAsync(Line(origin, i), CancellationToken.None);
            }
            await buffer.FlushAsync(CancellationToken.None);
            Assert.Equal(10, PendingRecords(buffer).Count);
        }
        var segments = Directory.GetFiles(Path.Combine(_dir), "*.seg");
        Assert.NotEmpty(segments);
        await using (var buffer = Open(_dir))
        {
            Assert.True(buffer.TryGet("docker:x", out var position));
            Assert.Equal(1000, position.Offset);
            var records = PendingRecords(buffer);
            Assert.Equal(10, records.Count);
            Assert.Equal([.. Enumerable.Range(1, 1000).Select(i => $"docker:x line {i}")], PendingLines(buffer).Select(Msg));
            buffer.Acknowledge(records[3].Seq);
            Assert.Equal(600, buffer.PendingLines);
        }
        await using (var buffer = Open(_dir))
        {
            Assert.Equal([.. Enumerable.Range(401, 600).Select(i => $"docker:x line {i}")], PendingLines(buffer).Select(Msg));
            buffer.Acknowledge(PendingRecords(buffer)[^1].Seq);
            await buffer.AppendAsync(Line(origin, 1001), CancellationToken.None);
            await buffer.FlushAsync(CancellationToken.None);
        }
        await using (var buffer = Open(_dir))
        {
            // The acknowledged segments are gone; the checkpoint kept the acknowledgement and the positions.
            Assert.Equal(["docker:x line 1001"], PendingLines(buffer).Select(Msg));
            Assert.True(buffer.TryGet("docker:x", out var position));
            Assert.Equal(1001, position.Offset);
            Assert.True(PendingRecords(buffer)[0].Seq > 10, "sequence numbers are never reused");
        }
    }

    [Fact]
    public async Task Forget_IsDurableToo()
    {
        await using (var buffer = Open(_dir))
        {
            await buffer.AppendAsync(Line(Origin("file:9:9"), 3), CancellationToken.None);
            await buffer.FlushAsync(CancellationToken.None);
            buffer.Forget("file:9:9");
            Assert.False(buffer.TryGet("file:9:9", out _));
            await buffer.FlushAsync(CancellationToken.None);
        }
        await using (var reopened = Open(_dir))
        {
            Assert.False(reopened.TryGet("file:9:9", out _));
        }
    }

    [Fact]
    public async Task PastTheSizeBound_TheOldestSegmentIsDropped_Counted()
    {
        var metrics = new DeliveryMetrics();
        var origin = Origin("docker:big");
        var random = new Random(7);
        await using var buffer = Open(_dir, o => o with { MaxBytes = 1024 * 1024 }, metrics);
        for (var i = 1; i <= 20_000; i++)
        {
            // Incompressible text, so that the buffer fills.
            var noise = Convert.ToBase64String(Enumerable.Range(0, 96).Select(_ => (byte)random.Next(256)).ToArray());
            await buffer.AppendAsync(new CollectedLine(origin, i, Encoding.UTF8.GetBytes($"{i} {noise}"), new SourcePosition(i)), CancellationToken.None);
        }
        await buffer.FlushAsync(CancellationToken.None);
        Assert.True(buffer.Bytes <= 1024 * 1024 + 256 * 1024, $"buffer holds {buffer.Bytes} bytes");
        Assert.True(metrics.DroppedLines > 0);
        var kept = PendingLines(buffer).Select(l => int.Parse(Msg(l).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(20_000 - metrics.DroppedLines, kept.Count);
        // What is left is the newest lines, contiguous up to the last.
        Assert.Equal([.. Enumerable.Range(kept[0], kept.Count)], kept);
        Assert.Equal(20_000, kept[^1]);
        Assert.Equal(kept.Count, buffer.PendingLines);
    }

    [Fact]
    public async Task ManySourcesAppendingTogether_LoseNothing()
    {
        await using var buffer = Open(_dir, o => o with { BatchMaxLines = 1000 });
        var sources = Enumerable.Range(0, 8).Select(s => Origin($"docker:{s}")).ToArray();
        await Task.WhenAll(sources.Select(origin => Task.Run(async () =>
        {
            for (var i = 1; i <= 5000; i++)
            {
                await buffer.AppendAsync(Line(origin, i), CancellationToken.None);
            }
        })));
        await buffer.FlushAsync(CancellationToken.None);
        var lines = PendingLines(buffer);
        foreach (var origin in sources)
        {
            Assert.Equal([.. Enumerable.Range(1, 5000).Select(i => $"{origin.SourceKey} line {i}")],
                lines.Where(l => l.GetProperty("container").GetString() == origin.SourceKey).Select(Msg));
            Assert.True(buffer.TryGet(origin.SourceKey, out var p));
            Assert.Equal(5000, p.Offset);
        }
    }
}
