using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Ingestion.Gelf;

namespace Vigie.Ingestion.Tests.Gelf;

public sealed class GelfTests
{
    private const string Docker = """{"version":"1.1","host":"docker-host","short_message":"hello","timestamp":1764064800.25,"level":3,"_container_name":"/web","_container_id":"abc","_image_name":"nginx","_tag":"t","_command":"sh","_created":"2026-01-01"}""";

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var z = new GZipStream(output, CompressionLevel.Fastest))
        {
            z.Write(data);
        }
        return output.ToArray();
    }

    private static byte[] Zlib(byte[] data)
    {
        using var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.Fastest))
        {
            z.Write(data);
        }
        return output.ToArray();
    }

    private static byte[][] Chunk(byte[] payload, int size, ulong id)
    {
        var count = (payload.Length + size - 1) / size;
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var part = payload.AsSpan(i * size, Math.Min(size, payload.Length - i * size));
            var chunk = new byte[12 + part.Length];
            chunk[0] = 0x1e;
            chunk[1] = 0x0f;
            BinaryPrimitives.WriteUInt64BigEndian(chunk.AsSpan(2), id);
            chunk[10] = (byte)i;
            chunk[11] = (byte)count;
            part.CopyTo(chunk.AsSpan(12));
            return chunk;
        })];
    }

    [Fact]
    public void Decode_DockerMessage_MapsFields()
    {
        var (events, target) = Frames.Datagrams(new GelfDatagramDecoder(), Gzip(Frames.Utf8(Docker)));
        var e = Assert.Single(events);
        Assert.Equal(0, target.Rejected);
        Assert.Equal("hello", e.Message);
        Assert.Equal("docker-host", e.Field("host"));
        Assert.Equal("web", e.Field("container"));
        Assert.Equal("abc", e.Field("container_id"));
        Assert.Equal("nginx", e.Field("image_name"));
        Assert.Equal("error", e.Field("level"));
        Assert.Equal(1_764_064_800_250_000_000, e.TimeNs);
        Assert.Null(e.Field("version"));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("gzip")]
    [InlineData("zlib")]
    public void Decode_EachCompression_SameEvent(string compression)
    {
        var plain = Frames.Utf8(Docker);
        var payload = compression switch { "gzip" => Gzip(plain), "zlib" => Zlib(plain), _ => plain };
        var (events, _) = Frames.Datagrams(new GelfDatagramDecoder(), payload);
        Assert.Equal("hello", Assert.Single(events).Message);
    }

    [Fact]
    public void Decode_ChunksInAnyOrderWithDuplicates_OneEvent()
    {
        var big = Zlib(Frames.Utf8($$"""{"version":"1.0","host":"h","short_message":"big","full_message":"{{new string('x', 20000)}}{{Guid.NewGuid()}}"}"""));
        var chunks = Chunk(big, 100, 42);
        Prop.ForAll(Gen.Shuffle(chunks).ToArbitrary(), shuffled =>
        {
            var (events, target) = Frames.Datagrams(new GelfDatagramDecoder(), [.. shuffled, shuffled[0]]);
            Assert.Equal("big", Assert.Single(events).Message);
            Assert.Equal(0, target.Rejected);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(30));
    }

    [Fact]
    public void Decode_OneOfOneChunk_OneEvent()
    {
        var (events, _) = Frames.Datagrams(new GelfDatagramDecoder(), Chunk(Frames.Utf8(Docker), 10_000, 7));
        Assert.Single(events);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 129)]
    [InlineData(5, 5)]
    public void Decode_BadChunkHeader_Rejected(int number, int count)
    {
        var chunk = Chunk(Frames.Utf8(Docker), 10_000, 7)[0];
        chunk[10] = (byte)number;
        chunk[11] = (byte)count;
        var (events, target) = Frames.Datagrams(new GelfDatagramDecoder(), chunk, Frames.Utf8(Docker));
        Assert.Single(events);
        Assert.Equal(1, target.Rejected);
    }

    [Fact]
    public void Assembler_MissingChunk_ExpiresAfterTimeout()
    {
        var time = new ManualTime();
        var assembler = new GelfChunkAssembler(TimeSpan.FromSeconds(5), 1 << 20, time);
        var chunks = Chunk(new byte[1000], 100, 1);
        Assert.Null(assembler.Add(chunks[0]));
        Assert.Equal(1, assembler.PendingMessages);
        time.Advance(TimeSpan.FromSeconds(6));
        assembler.Expire();
        Assert.Equal(0, assembler.PendingMessages);
        Assert.Equal(1, assembler.TakeExpired());
        Assert.Equal(0, assembler.PendingBytes);
    }

    [Fact]
    public void Assembler_ManyIncompleteMessages_MemoryStaysBounded()
    {
        var assembler = new GelfChunkAssembler(TimeSpan.FromSeconds(5), 100_000, new ManualTime());
        for (ulong id = 0; id < 10_000; id++)
        {
            assembler.Add(Chunk(new byte[2000], 1000, id)[0]);
            Assert.True(assembler.PendingBytes <= 100_000);
        }
        Assert.True(assembler.TakeExpired() > 9000);
    }

    [Fact]
    public void Decode_ZipBomb_RejectedWithoutInflatingItAll()
    {
        var bomb = Gzip(new byte[200 * 1024 * 1024]);
        var (events, target) = Frames.Datagrams(new GelfDatagramDecoder(new GelfChunkAssembler(TimeSpan.FromSeconds(5), 1 << 20), 1 << 20), bomb);
        Assert.Empty(events);
        Assert.Contains("decompressed", target.LastReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x20)]
    [InlineData(0xbb)]
    public void Decode_ZlibHeaderAskingForAPresetDictionary_RejectedAndNextKept(int flags)
    {
        // A valid zlib header (its check bits hold) whose FDICT flag is set: zlib refuses it with an
        // error of its own, not the usual InvalidDataException.
        byte[] datagram = [0x78, (byte)flags, 1, 2, 3, 4, 5, 6, 7, 8];

        var (events, target) = Frames.Datagrams(new GelfDatagramDecoder(), datagram, Frames.Utf8(Docker));

        Assert.Single(events);
        Assert.Equal(1, target.Rejected);
        Assert.Contains("does not decompress", target.LastReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"short_message\":")]
    [InlineData("[1,2]")]
    [InlineData("{\"host\":\"h\"}")]
    [InlineData("{\"short_message\":\"a\"} trailing")]
    public void Decode_InvalidMessage_RejectedWithReason(string json)
    {
        var (events, target) = Frames.Datagrams(new GelfDatagramDecoder(), Frames.Utf8(json), Frames.Utf8(Docker));
        Assert.Single(events);
        Assert.Equal(1, target.Rejected);
        Assert.NotNull(target.LastReason);
    }

    [Fact]
    public void Decode_BadCompression_Rejected()
    {
        var gz = Gzip(Frames.Utf8(Docker));
        gz[20] ^= 0xff;
        gz[21] ^= 0xff;
        var (events, target) = Frames.Datagrams(new GelfDatagramDecoder(), gz[..^4]);
        Assert.Empty(events);
        Assert.Equal(1, target.Rejected);
    }

    [Fact]
    public void Decode_TenThousandFields_Rejected()
    {
        var json = "{\"short_message\":\"m\"," + string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"\"_f{i}\":{i}")) + "}";
        var (events, target) = Frames.Datagrams(new GelfDatagramDecoder(), Frames.Utf8(json));
        Assert.Empty(events);
        Assert.Contains("more than 1000 fields", target.LastReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NestedObjectsAndArrays_FlattenedAndKeptAsJson()
    {
        var (events, _) = Frames.Datagrams(new GelfDatagramDecoder(), Frames.Utf8("""{"short_message":"m","_http":{"status":200,"path":"/"},"_tags":["a",1]}"""));
        var e = Assert.Single(events);
        Assert.Equal("200", e.Field("http.status"));
        Assert.Equal(ValueKind.Number, e.Get("http.status")!.Value.Kind);
        Assert.Equal("[\"a\",1]", e.Field("tags"));
    }

    [Fact]
    public void Decode_InvalidUtf8_Repaired()
    {
        byte[] json = [.. "{\"short_message\":\"a"u8, 0xC3, 0x28, .. "b\"}"u8];
        var (events, _) = Frames.Datagrams(new GelfDatagramDecoder(), json);
        Assert.Equal("a\uFFFD(b", Assert.Single(events).Message);
    }

    [Fact]
    public void Decode_RandomAndMutatedDatagrams_NeverThrow()
    {
        var good = Gzip(Frames.Utf8(Docker));
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), ArbMap.Default.ArbFor<int>(), (noise, position) =>
        {
            var mutated = (byte[])good.Clone();
            if (noise.Length > 0)
            {
                mutated[Math.Abs(position % mutated.Length)] ^= (byte)(noise[0] | 1);
            }
            var (events, _) = Frames.Datagrams(new GelfDatagramDecoder(), noise, mutated, [0x1e, 0x0f, .. noise], Frames.Utf8(Docker));
            Assert.Equal("hello", events[^1].Message);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Fact]
    public void TcpStream_NulDelimitedAtAnySplit_EveryMessage()
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 5).Select(i => $"{{\"short_message\":\"m{i}\"}}\0")) + "{\"short_message\":\"last\"}");
        Prop.ForAll(Gen.Choose(1, 40).ArrayOf().Where(a => a.Length > 0).ToArbitrary(), pieces =>
        {
            var (events, _) = Frames.Stream(new GelfStreamDecoder(1 << 20), bytes, pieces);
            Assert.Equal(["m0", "m1", "m2", "m3", "m4", "last"], events.Select(e => e.Message));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    [Fact]
    public void TcpStream_OversizedMessage_SkippedAndNextKept()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"short_message\":\"" + new string('x', 5000) + "\"}\0{\"short_message\":\"next\"}\0");
        var (events, target) = Frames.Stream(new GelfStreamDecoder(1000), bytes, [300], bufferLimit: 1064);
        Assert.Equal("next", Assert.Single(events).Message);
        Assert.Equal(1, target.Rejected);
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long GetTimestamp() => _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
