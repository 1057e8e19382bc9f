using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Ingestion.Syslog;

namespace Vigie.Ingestion.Tests.Syslog;

public sealed class SyslogStreamDecoderTests
{
    private static readonly string Mixed =
        "<13>1 2026-11-25T10:00:00Z h app - - - lf framed\n" +
        Counted("<13>1 2026-11-25T10:00:00Z h app - - - counted+lf\n") +
        Counted("<13>1 2026-11-25T10:00:00Z h app - - - counted") +
        Counted("<13>Nov 25 10:00:00 h app: counted, 3164") + "\n" +
        "\r\n" +
        "<13>Nov 25 10:00:00 h app: crlf line\r\n" +
        "<13>1 2026-11-25T10:00:00Z h app - - - last without lf";

    /// <summary>An octet-counted frame (RFC 6587): the byte count, a space, the message.</summary>
    private static string Counted(string message) => Encoding.UTF8.GetByteCount(message) + " " + message;

    private static readonly string[] Expected = ["lf framed", "counted+lf", "counted", "counted, 3164", "crlf line", "last without lf"];

    [Fact]
    public void Decode_EveryFramingInOneStream_EveryMessage()
    {
        var (events, target) = Frames.Stream(new SyslogStreamDecoder(1024), Frames.Utf8(Mixed));
        Assert.Equal(Expected, events.Select(e => e.Message));
        Assert.Equal(0, target.Rejected);
    }

    [Fact]
    public void Decode_AnySplitOfTheStream_SameMessages()
    {
        var bytes = Frames.Utf8(Mixed);
        Prop.ForAll(Gen.Choose(1, 80).ArrayOf().Where(a => a.Length > 0).ToArbitrary(), pieces =>
        {
            var (events, _) = Frames.Stream(new SyslogStreamDecoder(1024), bytes, pieces);
            Assert.Equal(Expected, events.Select(e => e.Message));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Decode_LineLongerThanTheLimit_RejectedAndNextKept()
    {
        var text = "<13>1 - h a - - - before\n<13>1 - h a - - - " + new string('x', 5000) + "\n<13>1 - h a - - - after\n";
        var (events, target) = Frames.Stream(new SyslogStreamDecoder(1000), Frames.Utf8(text), [700], bufferLimit: 1064);
        Assert.Equal(["before", "after"], events.Select(e => e.Message));
        Assert.Equal(1, target.Rejected);
        Assert.Contains("longer than 1000", target.LastReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_CountLargerThanTheLimit_SkippedAndNextKept()
    {
        var big = "<13>1 - h a - - - " + new string('y', 3000);
        var text = Counted(big) + Counted("<13>1 - h a - - - after");
        var (events, target) = Frames.Stream(new SyslogStreamDecoder(1000), Frames.Utf8(text), [100]);
        Assert.Equal(["after"], events.Select(e => e.Message));
        Assert.Equal(1, target.Rejected);
    }

    [Fact]
    public void DecodeLast_TruncatedCountedFrame_Rejected()
    {
        var (events, target) = Frames.Stream(new SyslogStreamDecoder(1000), Frames.Utf8("100 <13>1 - h a - - - cut"));
        Assert.Empty(events);
        Assert.Equal(1, target.Rejected);
    }

    [Fact]
    public void Decode_RandomBytes_NeverThrowsAndAtMostOneEventPerFrame()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            var (events, _) = Frames.Stream(new SyslogStreamDecoder(256), bytes, [7, 13], bufferLimit: 320);
            Assert.True(events.Count <= bytes.Length);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Fact]
    public void Decode_MutatedFrames_GoodFramesAroundKept()
    {
        var good = "<13>1 - h a - - - good\n";
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), garbage =>
        {
            // Garbage without a LF is one bad message at most: the good ones around it stay.
            var bad = garbage.Where(b => b != '\n' && !(b >= '0' && b <= '9')).ToArray();
            var bytes = Encoding.UTF8.GetBytes(good).Concat(bad).Concat(Encoding.UTF8.GetBytes("\n" + good)).ToArray();
            var (events, _) = Frames.Stream(new SyslogStreamDecoder(4096), bytes, [5]);
            Assert.Equal("good", events[0].Message);
            Assert.Equal("good", events[^1].Message);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Datagram_WithAndWithoutTrailingLfAndOctetCount_SameMessage()
    {
        var (events, _) = Frames.Datagrams(new SyslogDatagramDecoder(),
            Frames.Utf8("<13>1 - h a - - - one"), Frames.Utf8("<13>1 - h a - - - one\n"), Frames.Utf8(Counted("<13>1 - h a - - - one")));
        Assert.Equal(["one", "one", "one"], events.Select(e => e.Message));
    }
}
