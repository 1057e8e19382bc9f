using System.IO.Compression;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Ingestion.Fluent;

namespace Vigie.Ingestion.Tests.Fluent;

public sealed class FluentForwardDecoderTests
{
    private const uint Seconds = 1_764_064_800;

    private static MsgPack Record(MsgPack m, string message) =>
        m.Map(5).Str("log").Str(message + "\n").Str("container_name").Str("/web").Str("source").Str("stdout")
            .Str("n").Int(-5).Str("nested").Map(2).Str("ok").Bool(true).Str("list").Array(2).Str("a").Double(1.5);

    private static byte[] Message(string text, bool eventTime = false, string? chunk = null)
    {
        var m = new MsgPack().Array(chunk is null ? 3 : 4).Str("docker.web");
        if (eventTime)
        {
            m.EventTime(Seconds, 123);
        }
        else
        {
            m.Int(Seconds);
        }
        Record(m, text);
        if (chunk is not null)
        {
            m.Map(1).Str("chunk").Str(chunk);
        }
        return m.ToArray();
    }

    private static byte[] Entries(int n, string prefix)
    {
        var m = new MsgPack();
        for (var i = 0; i < n; i++)
        {
            Record(m.Array(2).EventTime(Seconds, (uint)i), prefix + i);
        }
        return m.ToArray();
    }

    [Fact]
    public void Decode_MessageMode_MapsDockerRecord()
    {
        var (events, target) = Frames.Stream(new FluentForwardDecoder(1 << 20), Message("hello"));
        var e = Assert.Single(events);
        Assert.Equal(0, target.Rejected);
        Assert.Equal("hello", e.Message);
        Assert.Equal("web", e.Field("container"));
        Assert.Equal("stdout", e.Field("source"));
        Assert.Equal("docker.web", e.Field("tag"));
        Assert.Equal("-5", e.Field("n"));
        Assert.Equal("true", e.Field("nested.ok"));
        Assert.Equal("[\"a\",1.5]", e.Field("nested.list"));
        Assert.Equal(Seconds * 1_000_000_000L, e.TimeNs);
    }

    [Fact]
    public void Decode_EventTime_KeepsNanoseconds()
    {
        var (events, _) = Frames.Stream(new FluentForwardDecoder(1 << 20), Message("t", eventTime: true));
        Assert.Equal(Seconds * 1_000_000_000L + 123, Assert.Single(events).TimeNs);
    }

    [Fact]
    public void Decode_ForwardMode_EveryEntry()
    {
        var m = new MsgPack().Array(2).Str("app").Array(3).Raw(Entries(3, "f"));
        var (events, _) = Frames.Stream(new FluentForwardDecoder(1 << 20), m.ToArray());
        Assert.Equal(["f0", "f1", "f2"], events.Select(e => e.Message));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decode_PackedForward_PlainAndGzip(bool compressed)
    {
        var entries = Entries(4, "p");
        var payload = entries;
        if (compressed)
        {
            using var output = new MemoryStream();
            using (var gz = new GZipStream(output, CompressionLevel.Fastest))
            {
                gz.Write(entries);
            }
            payload = output.ToArray();
        }
        var m = new MsgPack().Array(3).Str("app").Bin(payload).Map(compressed ? 2 : 1).Str("size").Int(4);
        if (compressed)
        {
            m.Str("compressed").Str("gzip");
        }
        var (events, target) = Frames.Stream(new FluentForwardDecoder(1 << 20), m.ToArray());
        Assert.Equal(0, target.Rejected);
        Assert.Equal(["p0", "p1", "p2", "p3"], events.Select(e => e.Message));
    }

    [Fact]
    public void TakeReply_ChunkOption_AckedWithTheChunkId()
    {
        var decoder = new FluentForwardDecoder(1 << 20);
        var target = Frames.Target();
        var bytes = Message("a", chunk: "Q0hVTks=");
        Assert.Equal(bytes.Length, decoder.Decode(bytes, target));
        var reply = decoder.TakeReply().ToArray();
        Assert.Equal(new MsgPack().Map(1).Str("ack").Str("Q0hVTks=").ToArray(), reply);
        Assert.True(decoder.TakeReply().IsEmpty);
    }

    [Fact]
    public void Decode_AnySplit_SameEvents()
    {
        var bytes = Message("one").Concat(Message("two", eventTime: true)).Concat(new MsgPack().Array(2).Str("x").Array(2).Raw(Entries(2, "e")).ToArray()).ToArray();
        Prop.ForAll(Gen.Choose(1, 50).ArrayOf().Where(a => a.Length > 0).ToArbitrary(), pieces =>
        {
            var (events, _) = Frames.Stream(new FluentForwardDecoder(1 << 20), bytes, pieces);
            Assert.Equal(["one", "two", "e0", "e1"], events.Select(e => e.Message));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    [Fact]
    public void Decode_WellFormedButWrongShape_RejectedAndNextKept()
    {
        var bad = new MsgPack().Array(3).Str("t").Str("not a time").Int(1).ToArray();
        var wrongTime = new MsgPack().Array(3).Str("t").Raw([0xd7, 0x05, 0, 0, 0, 0, 0, 0, 0, 0]).Map(0).ToArray();
        var (events, target) = Frames.Stream(new FluentForwardDecoder(1 << 20), [.. Message("before"), .. bad, .. wrongTime, .. Message("after")]);
        Assert.Equal(["before", "after"], events.Select(e => e.Message));
        Assert.Equal(2, target.Rejected);
    }

    [Fact]
    public void Decode_NotMessagePack_ClosesTheConnection()
    {
        Assert.Throws<InvalidDataException>(() => Frames.Stream(new FluentForwardDecoder(1 << 20), [0xc1, 1, 2]));
    }

    [Fact]
    public void Decode_Truncated_WaitsThenRejectsAtEnd()
    {
        var bytes = Message("cut");
        var decoder = new FluentForwardDecoder(1 << 20);
        var target = Frames.Target();
        Assert.Equal(0, decoder.Decode(bytes.AsSpan(0, bytes.Length - 3), target));
        decoder.DecodeLast(bytes.AsSpan(0, bytes.Length - 3), target);
        Assert.Equal(1, target.Rejected);
        Assert.Equal(0, target.Batch.Count);
    }

    [Fact]
    public void Decode_RandomAndMutatedFrames_OnlyRejectOrClose()
    {
        var good = Message("good", eventTime: true);
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), ArbMap.Default.ArbFor<int>(), (noise, position) =>
        {
            var mutated = (byte[])good.Clone();
            if (noise.Length > 0)
            {
                mutated[Math.Abs(position % mutated.Length)] = noise[0];
            }
            foreach (var bytes in new[] { noise, mutated })
            {
                try
                {
                    var (events, _) = Frames.Stream(new FluentForwardDecoder(1 << 16), bytes, [3, 11], bufferLimit: 1 << 16);
                    Assert.True(events.Count <= bytes.Length);
                }
                catch (InvalidDataException)
                {
                    // not MessagePack: the listener closes the connection
                }
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }

    [Fact]
    public void Decode_DeeplyNestedRecord_RejectedNotCrashed()
    {
        var m = new MsgPack().Array(3).Str("t").Int(Seconds);
        for (var i = 0; i < 50_000; i++)
        {
            m.Map(1).Str("k");
        }
        m.Str("leaf");
        var (events, target) = Frames.Stream(new FluentForwardDecoder(1 << 20), [.. m.ToArray(), .. Message("after")]);
        Assert.Equal("after", Assert.Single(events).Message);
        Assert.Equal(1, target.Rejected);
    }

    [Fact]
    public void TryMeasure_HugeDeclaredCounts_NeedMoreInsteadOfAllocating()
    {
        // An array claiming 4 billion elements in 5 bytes: incomplete, not a crash.
        Assert.False(MsgPackReader.TryMeasure([0xdd, 0xff, 0xff, 0xff, 0xff, 0x01], out _));
        // Deep nesting does not overflow the stack.
        var deep = Enumerable.Repeat((byte)0x91, 100_000).Append((byte)0xc0).ToArray();
        Assert.True(MsgPackReader.TryMeasure(deep, out var length));
        Assert.Equal(deep.Length, length);
    }
}
