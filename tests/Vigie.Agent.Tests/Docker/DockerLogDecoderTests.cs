using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Agent.Docker;
using static Vigie.Agent.Tests.Docker.DockerLogEncoding;

namespace Vigie.Agent.Tests.Docker;

/// <summary>The decoder gives back exactly the lines Docker's log API sent, however the bytes are cut.</summary>
public sealed class DockerLogDecoderTests
{
    private const long BaseTime = 1_764_000_000_000_000_000;

    private static readonly char[] Alphabet = ['a', 'b', 'Z', '0', '9', ' ', '-', ':', '.', 'T', '\t', '\r', 'é', '日'];

    private static Gen<string> Texts =>
        Gen.Frequency(
            (8, from n in Gen.Choose(0, 40) from cs in Gen.Elements(Alphabet).ArrayOf(n) select new string(cs)),
            // Around Docker's 16 KiB split, and several chunks long.
            (1, from n in Gen.Elements(16383, 16384, 16385, 32768, 40000) from c in Gen.Elements('x', 'y') select new string(c, n)));

    private static Gen<List<Line>> Lines(bool tty) =>
        from count in Gen.Choose(0, 30)
        from items in (from stream in tty ? Gen.Constant(LogStreamKind.Stdout) : Gen.Elements(LogStreamKind.Stdout, LogStreamKind.Stderr)
                       from step in Gen.Elements(0L, 1L, 7L, 1_000_000_000L)
                       from text in Texts
                       select (stream, step, text)).ListOf(count)
        select Stamped(items);

    private static List<Line> Stamped(IEnumerable<(LogStreamKind Stream, long Step, string Text)> items)
    {
        var time = BaseTime;
        var lines = new List<Line>();
        foreach (var (stream, step, text) in items)
        {
            time += step;
            lines.Add(new Line(stream, time, text));
        }
        return lines;
    }

    private static Gen<int[]> Pieces => Gen.Choose(1, 70).ArrayOf();

    // The decoder takes the CRs before the LF as part of the line ending.
    private static List<(LogStreamKind, long, string)> Expected(IEnumerable<Line> lines) =>
        [.. lines.Select(l => (l.Stream, l.TimeNs, l.Text.TrimEnd('\r')))];

    [Fact]
    public void Decode_MultiplexedFramesCutAnywhere_SameLines()
    {
        Prop.ForAll((from lines in Lines(tty: false) from pieces in Pieces select (lines, pieces)).ToArbitrary(), c =>
        {
            var decoded = Decode(Encode(c.lines, tty: false), tty: false, c.pieces);
            return decoded.SequenceEqual(Expected(c.lines));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Decode_TtyStreamCutAnywhere_SameLinesWithoutCarriageReturns()
    {
        Prop.ForAll((from lines in Lines(tty: true) from pieces in Pieces select (lines, pieces)).ToArbitrary(), c =>
        {
            var decoded = Decode(Encode(c.lines, tty: true), tty: true, c.pieces);
            return decoded.SequenceEqual(Expected(c.lines));
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decode_LastLineWithoutLineFeed_HandedOutAtTheEnd(bool tty)
    {
        var bytes = Encode([new Line(LogStreamKind.Stdout, BaseTime, "first"), new Line(LogStreamKind.Stdout, BaseTime + 5, "no line feed", Ended: false)], tty);
        var decoded = Decode(bytes, tty, [3]);
        Assert.Equal([(LogStreamKind.Stdout, BaseTime, "first"), (LogStreamKind.Stdout, BaseTime + 5, "no line feed")], decoded);
    }

    [Fact]
    public void Decode_StderrChunksBetweenStdoutChunks_EachLineWhole()
    {
        // stdout and stderr have a copier each: a long stdout line's chunks may frame around a stderr line.
        var longLine = new string('o', 20000);
        var stdout = Encode([new Line(LogStreamKind.Stdout, BaseTime, longLine)], tty: false);
        var stderr = Encode([new Line(LogStreamKind.Stderr, BaseTime + 1, "err")], tty: false);
        var firstFrame = 8 + Stamp(BaseTime).Length + 1 + DockerLogDecoder.ChunkSize;
        byte[] bytes = [.. stdout.AsSpan(0, firstFrame), .. stderr, .. stdout.AsSpan(firstFrame)];
        var decoded = Decode(bytes, tty: false, [1000]);
        Assert.Equal([(LogStreamKind.Stderr, BaseTime + 1, "err"), (LogStreamKind.Stdout, BaseTime, longLine)], decoded);
    }

    [Fact]
    public void Decode_LineLongerThanTheLimit_CutToTheLimit()
    {
        var bytes = Encode([new Line(LogStreamKind.Stdout, BaseTime, new string('a', 50000)), new Line(LogStreamKind.Stdout, BaseTime + 1, "next")], tty: false);
        var decoded = Decode(bytes, tty: false, [4096], maxLineBytes: 1000);
        Assert.Equal([(LogStreamKind.Stdout, BaseTime, new string('a', 1000)), (LogStreamKind.Stdout, BaseTime + 1, "next")], decoded);
    }

    [Fact]
    public void Decode_TtyTextThatLooksLikeAStampAfter16KiB_KeptAsText()
    {
        // Only the first chunk's own timestamp repeated marks a split; another time is the line's text.
        var text = new string('z', DockerLogDecoder.ChunkSize) + Stamp(BaseTime + 9) + " tail";
        var decoded = Decode(Encode([new Line(LogStreamKind.Stdout, BaseTime, text)], tty: true), tty: true, [100]);
        Assert.Equal([(LogStreamKind.Stdout, BaseTime, text)], decoded);
    }

    [Fact]
    public void Decode_DaemonErrorFrame_CountedAndSkipped()
    {
        var error = Encoding.UTF8.GetBytes("error from daemon in stream: log file gone");
        byte[] frame = [3, 0, 0, 0, 0, 0, 0, (byte)error.Length, .. error];
        byte[] bytes = [.. Encode([new Line(LogStreamKind.Stdout, BaseTime, "before")], tty: false), .. frame, .. Encode([new Line(LogStreamKind.Stderr, BaseTime + 1, "after")], tty: false)];
        using var decoder = new DockerLogDecoder(tty: false, 1 << 20);
        decoder.Feed(bytes);
        var lines = new List<string>();
        while (decoder.TryRead(out var line))
        {
            lines.Add(Encoding.UTF8.GetString(line.Message.Span));
        }
        Assert.Equal(["before", "after"], lines);
        Assert.Equal(1, decoder.ErrorFrames);
        Assert.Equal("error from daemon in stream: log file gone", decoder.LastError);
    }

    [Fact]
    public void Decode_NotAFrameHeader_ClearErrorWithItsOffset()
    {
        byte[] bytes = [.. Encode([new Line(LogStreamKind.Stdout, BaseTime, "ok")], tty: false), .. "garbage!"u8];
        using var decoder = new DockerLogDecoder(tty: false, 1 << 20);
        decoder.Feed(bytes);
        Assert.True(decoder.TryRead(out _));
        var error = Assert.Throws<InvalidDataException>(() => decoder.TryRead(out _));
        Assert.Contains($"at byte {bytes.Length - 8}", error.Message, StringComparison.Ordinal);
    }
}
