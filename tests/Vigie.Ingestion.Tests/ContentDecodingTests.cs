using System.IO.Compression;
using System.Text;
using Vigie.Core;
using ZstdSharp;

namespace Vigie.Ingestion.Tests;

public class ContentDecodingTests
{
    private static readonly string Body = string.Concat(Enumerable.Range(0, 500).Select(i => $"{{\"_msg\":\"line {i}\",\"i\":{i}}}\n"));

    [Theory]
    [InlineData("gzip")]
    [InlineData("x-gzip")]
    [InlineData("deflate")]
    [InlineData("zstd")]
    [InlineData("br")]
    [InlineData("identity")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("GZIP")]
    [InlineData("gzip, identity")]
    public async Task Wrap_KnownEncoding_DecodesTheBody(string? encoding)
    {
        var compressed = Compress(Encoding.UTF8.GetBytes(Body), encoding);
        var batch = new EventBatch();

        await using var stream = ContentDecoding.Wrap(new MemoryStream(compressed), encoding);
        var result = await NdjsonDecoder.DecodeAsync(stream, batch, StreamFields.None, new NdjsonLimits(), Decode.Now);

        Assert.Equal(500, result.Accepted);
        Assert.Equal("line 499", batch.ToLogEvent(499).Message);
        Assert.Equal(Encoding.UTF8.GetByteCount(Body), result.BodyBytes);
    }

    [Fact]
    public void Wrap_TwoEncodings_UndoesTheLastAppliedFirst()
    {
        var twice = Compress(Compress(Encoding.UTF8.GetBytes(Body), "gzip"), "zstd");

        using var reader = new StreamReader(ContentDecoding.Wrap(new MemoryStream(twice), "gzip, zstd"));

        Assert.Equal(Body, reader.ReadToEnd());
    }

    [Theory]
    [InlineData("compress")]
    [InlineData("gzip, lzma")]
    public void Wrap_UnknownEncoding_ThrowsUnsupported(string encoding)
    {
        var e = Assert.Throws<UnsupportedContentEncodingException>(() => ContentDecoding.Wrap(new MemoryStream(), encoding));

        Assert.Contains("unsupported Content-Encoding", e.Message, StringComparison.Ordinal);
        Assert.NotEmpty(e.Encoding);
    }

    [Theory]
    [InlineData("gzip", new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    [InlineData("deflate", new byte[] { 0x78, 0x20, 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    [InlineData("deflate", new byte[] { 0x78, 0x9c, 0xff, 0xff, 0xff, 0xff })]
    [InlineData("zstd", new byte[] { 0x28, 0xb5, 0x2f, 0xfd, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 })]
    [InlineData("zstd", new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    [InlineData("br", new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    public async Task DecodeAsync_DamagedBody_InvalidDataNamingTheEncoding(string encoding, byte[] body)
    {
        // Each decompressor reports damage its own way (zlib's preset dictionary, zstd, Brotli): the
        // ingest paths answer 400 only for InvalidDataException, so every one must arrive as that.
        await using var stream = ContentDecoding.Wrap(new MemoryStream(body), encoding);

        var e = await Assert.ThrowsAsync<InvalidDataException>(async () => await NdjsonDecoder.DecodeAsync(stream, new EventBatch(), StreamFields.None, new NdjsonLimits(), Decode.Now));

        Assert.Contains(encoding, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeAsync_GzipBomOverLimit_ThrowsBodyTooLarge()
    {
        var zeros = Compress(Encoding.UTF8.GetBytes(new string(' ', 10_000_000)), "gzip");
        Assert.True(zeros.Length < 100_000);

        Assert.Throws<BodyTooLargeException>(() => Decode.FromStream(ContentDecoding.Wrap(new MemoryStream(zeros), "gzip"), new NdjsonLimits { MaxBodyBytes = 1_000_000 }));
    }

    private static byte[] Compress(byte[] data, string? encoding)
    {
        var output = new MemoryStream();
        var codings = (encoding ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var coding in codings)
        {
            output = new MemoryStream();
            using (var compressor = Compressor(output, coding.ToLowerInvariant()))
            {
                compressor.Write(data);
            }
            data = output.ToArray();
        }
        return data;
    }

    private static Stream Compressor(Stream output, string coding) => coding switch
    {
        "gzip" or "x-gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
        "deflate" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
        "br" => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
        "zstd" => new CompressionStream(output, leaveOpen: true),
        _ => new PassThrough(output),
    };

    private sealed class PassThrough(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
