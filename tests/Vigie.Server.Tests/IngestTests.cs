using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Vigie.Server.Tests;

/// <summary><c>POST /api/v1/ingest</c> against the real server.</summary>
public sealed class IngestTests : IAsyncLifetime
{
    private LiveServer _server = null!;

    public async Task InitializeAsync() => _server = await LiveServer.StartAsync(o => o with { MaxBodyBytes = 64 * 1024 });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Ingest_NdjsonLines_AnswersAcceptedCountAndNoErrors()
    {
        var (status, body) = await _server.IngestAsync(LiveServer.Ndjson(new { _msg = "a" }, new { _msg = "b" }, new { _msg = "c" }));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body.GetProperty("accepted").GetInt32());
        Assert.Equal(0, body.GetProperty("rejected").GetInt32());
        Assert.Equal(0, body.GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public async Task Ingest_BadLineAmongGood_RejectsOnlyThatLineAndNamesIt()
    {
        var ndjson = "{\"_msg\":\"one\",\"n\":1}\n{\"_msg\":\"two\",\"n\":2}\n{\"_msg\": broken\n\n{\"_msg\":\"four\",\"n\":4}\n";

        var (status, body) = await _server.IngestAsync(ndjson);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body.GetProperty("accepted").GetInt32());
        Assert.Equal(1, body.GetProperty("rejected").GetInt32());
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal(3, error.GetProperty("line").GetInt32());
        Assert.Contains("invalid JSON", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        var rows = await _server.QueryUntilAsync("*", r => r.Count >= 3);
        Assert.Equal(["four", "one", "two"], rows.Select(r => r.GetProperty("_msg").GetString()).Order());
        Assert.Equal([1, 2, 4], rows.Select(r => r.GetProperty("n").GetInt32()).Order());
    }

    [Fact]
    public async Task Ingest_GzipBody_DecodesAndStoresEvents()
    {
        var content = new ByteArrayContent(LiveServer.Gzip(LiveServer.Ndjson(new { _msg = "zipped one", codec = "gzip" }, new { _msg = "zipped two", codec = "gzip" })));
        content.Headers.ContentEncoding.Add("gzip");

        var (status, body) = await _server.IngestAsync(content);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
        var rows = await _server.QueryUntilAsync("codec:gzip", r => r.Count == 2);
        Assert.Equal(2, rows.Count);
    }

    [Fact]
    public async Task Ingest_ZstdBody_DecodesAndStoresEvents()
    {
        using var compressor = new ZstdSharp.Compressor();
        var compressed = compressor.Wrap(Encoding.UTF8.GetBytes(LiveServer.Ndjson(new { _msg = "packed", codec = "zstd" }))).ToArray();
        var content = new ByteArrayContent(compressed);
        content.Headers.ContentEncoding.Add("zstd");

        var (status, body) = await _server.IngestAsync(content);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        var rows = await _server.QueryUntilAsync("codec:zstd", r => r.Count == 1);
        Assert.Equal("packed", Assert.Single(rows).GetProperty("_msg").GetString());
    }

    [Theory]
    [InlineData("zstd")]
    [InlineData("br")]
    [InlineData("deflate")]
    public async Task Ingest_DamagedCompressedBody_Returns400NamingTheEncoding(string encoding)
    {
        // A zlib header asking for a preset dictionary; not a zstd frame; not a Brotli stream.
        var content = new ByteArrayContent([0x78, 0x20, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        content.Headers.ContentEncoding.Add(encoding);

        var (status, body) = await _server.IngestAsync(content);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("could not be decompressed: bad " + encoding, body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_UnknownContentEncoding_Returns415AndStoresNothing()
    {
        var content = new StringContent(LiveServer.Ndjson(new { _msg = "x" }), Encoding.UTF8);
        content.Headers.ContentEncoding.Add("br2");

        var (status, body) = await _server.IngestAsync(content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains("br2", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, LiveServer.Sample(await _server.MetricsAsync(), "vigie_store_events_total"));
    }

    [Fact]
    public async Task Ingest_PlainBodyOverMaxBodyBytes_Returns413()
    {
        var big = LiveServer.Ndjson([.. Enumerable.Range(0, 2000).Select(i => (object)new { _msg = "padding padding padding", i })]);
        Assert.True(Encoding.UTF8.GetByteCount(big) > 64 * 1024);

        var (status, _) = await _server.IngestAsync(big);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
    }

    [Fact]
    public async Task Ingest_SmallGzipThatInflatesOverMaxBodyBytes_Returns413()
    {
        var inflated = string.Concat(Enumerable.Repeat("{\"_msg\":\"" + new string('a', 900) + "\"}\n", 200));
        var gzip = LiveServer.Gzip(inflated);
        Assert.True(gzip.Length < 64 * 1024, "the compressed body itself must be under the limit");
        var content = new ByteArrayContent(gzip);
        content.Headers.ContentEncoding.Add("gzip");
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");

        var (status, body) = await _server.IngestAsync(content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.True(body.TryGetProperty("error", out _), body.ToString());
    }
}
