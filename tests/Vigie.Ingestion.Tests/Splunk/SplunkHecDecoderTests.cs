using FsCheck;
using FsCheck.Fluent;
using Vigie.Ingestion.Splunk;

namespace Vigie.Ingestion.Tests.Splunk;

public sealed class SplunkHecDecoderTests
{
    [Fact]
    public void DecodeEvents_DockerInlineFormat_MapsFields()
    {
        var target = Frames.Target();
        var body = """{"event":{"line":"hello","source":"stderr","tag":"web"},"time":"1764064800.500000","host":"docker-host","source":"docker","sourcetype":"app","index":"main"}""";
        Assert.Equal(1, SplunkHecDecoder.DecodeEvents(Frames.Utf8(body), target));
        var e = Assert.Single(target.Batch.ToLogEvents());
        Assert.Equal("hello", e.Message);
        Assert.Equal("stderr", e.Field("stream"));
        Assert.Equal("web", e.Field("tag"));
        Assert.Equal("docker-host", e.Field("host"));
        Assert.Equal("docker", e.Field("source"));
        Assert.Equal("app", e.Field("sourcetype"));
        Assert.Equal("main", e.Field("index"));
        Assert.Equal(1_764_064_800_500_000_000, e.TimeNs);
    }

    [Fact]
    public void DecodeEvents_ConcatenatedStringEventsWithFields_EveryEvent()
    {
        var target = Frames.Target();
        var body = """{"event":"one","fields":{"region":"eu","n":3}} {"event":"two","time":1764064800}""" + "\n" + """{"event":"three"}""";
        Assert.Equal(3, SplunkHecDecoder.DecodeEvents(Frames.Utf8(body), target));
        var events = target.Batch.ToLogEvents().ToList();
        Assert.Equal(["one", "two", "three"], events.Select(e => e.Message));
        Assert.Equal("eu", events[0].Field("region"));
        Assert.Equal("10.0.0.9", events[2].Field("host"));
        Assert.Equal(Decode.Now, events[2].TimeNs);
    }

    [Fact]
    public void DecodeEvents_BadEvent_NamesItsNumberAndKeepsTheOnesBefore()
    {
        var target = Frames.Target();
        var e = Assert.Throws<SplunkFormatException>(() => SplunkHecDecoder.DecodeEvents(Frames.Utf8("""{"event":"ok"}{"time":1}{"event":"never"}"""), target));
        Assert.Equal(1, e.EventIndex);
        Assert.Equal("ok", Assert.Single(target.Batch.ToLogEvents()).Message);
    }

    [Fact]
    public void DecodeRaw_Lines_OneEventEach()
    {
        var target = Frames.Target();
        Assert.Equal(2, SplunkHecDecoder.DecodeRaw(Frames.Utf8("a line\r\n\n  \nanother\n"), target, "h", "src", null));
        var events = target.Batch.ToLogEvents().ToList();
        Assert.Equal(["a line", "another"], events.Select(x => x.Message));
        Assert.Equal("h", events[0].Field("host"));
        Assert.Equal("src", events[0].Field("source"));
    }

    [Fact]
    public void DecodeEvents_RandomBytes_OnlyFormatErrors()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            var target = Frames.Target();
            try
            {
                SplunkHecDecoder.DecodeEvents(bytes, target);
            }
            catch (SplunkFormatException)
            {
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }
}
