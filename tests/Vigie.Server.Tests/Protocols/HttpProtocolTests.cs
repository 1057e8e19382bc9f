using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Vigie.Server.Tests.Protocols;

/// <summary>The HTTP protocol endpoints against the real server: answers, errors and per-listener counts.</summary>
public sealed class HttpProtocolTests : IAsyncLifetime
{
    private LiveServer _server = null!;

    public async Task InitializeAsync() => _server = await LiveServer.StartAsync(o => o with { MaxBodyBytes = 256 * 1024 });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static StringContent Json(string text, string type = "application/json") => new(text, Encoding.UTF8, type);

    private static ByteArrayContent Gzip(string text, string type)
    {
        var content = new ByteArrayContent(LiveServer.Gzip(text));
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }

    [Fact]
    public async Task ElasticsearchRoot_ClientGetsVersion_BrowserGetsTheUi()
    {
        using var es = new HttpRequestMessage(HttpMethod.Get, "/");
        es.Headers.Accept.ParseAdd("application/vnd.elasticsearch+json; compatible-with=8");
        using var esAnswer = await _server.Client.SendAsync(es);
        var body = JsonDocument.Parse(await esAnswer.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Elasticsearch", esAnswer.Headers.GetValues("X-Elastic-Product").Single());
        Assert.StartsWith("8.", body.GetProperty("version").GetProperty("number").GetString(), StringComparison.Ordinal);

        using var browser = new HttpRequestMessage(HttpMethod.Get, "/");
        browser.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");
        browser.Headers.UserAgent.ParseAdd("Mozilla/5.0");
        using var browserAnswer = await _server.Client.SendAsync(browser);
        Assert.False(browserAnswer.Headers.Contains("X-Elastic-Product"));
        Assert.DoesNotContain("cluster_name", await browserAnswer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ElasticsearchBulk_GzipWithOneBadDocument_AnswersItemsAndStoresTheGood()
    {
        var bulk = "{\"index\":{\"_index\":\"app\",\"_type\":\"_doc\"}}\n{\"@timestamp\":\"2025-11-25T10:00:00Z\",\"message\":\"good one\",\"svc\":\"bulk-test\"}\n"
            + "{\"index\":{\"_index\":\"app\"}}\n{\"message\": nope}\n"
            + "{\"create\":{}}\n{\"message\":\"good two\",\"svc\":\"bulk-test\"}\n";

        using var answer = await _server.Client.PostAsync("/app/_bulk", Gzip(bulk, "application/x-ndjson"));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("Elasticsearch", answer.Headers.GetValues("X-Elastic-Product").Single());
        var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        Assert.True(body.GetProperty("errors").GetBoolean());
        Assert.Equal([201, 400, 201], body.GetProperty("items").EnumerateArray().Select(i => i.EnumerateObject().Single().Value.GetProperty("status").GetInt32()));
        var rows = await _server.QueryUntilAsync("svc:bulk-test", r => r.Count == 2);
        Assert.Equal(["good one", "good two"], rows.Select(r => r.GetProperty("_msg").GetString()).Order());
        var metrics = await _server.MetricsAsync();
        Assert.Equal(1, LiveServer.Sample(metrics, "vigie_listener_events_total{listener=\"elasticsearch\",result=\"rejected\"}"));
        Assert.Equal(2, LiveServer.Sample(metrics, "vigie_listener_events_total{listener=\"elasticsearch\",result=\"accepted\"}"));
    }

    [Fact]
    public async Task Bodies_OverTheLimitAfterDecompression_Answer413()
    {
        var bomb = "{\"index\":{\"_index\":\"a\"}}\n{\"message\":\"" + new string('z', 4 * 1024 * 1024) + "\"}\n";

        using var answer = await _server.Client.PostAsync("/_bulk", Gzip(bomb, "application/x-ndjson"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.StatusCode);
        Assert.Contains("content_too_long", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtlpHttp_GzipJson_StoredAndAnsweredInJson()
    {
        var json = """{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"otlp-json-test"}}]},"scopeLogs":[{"logRecords":[{"severityText":"WARN","body":{"stringValue":"json record"}}]}]}]}""";

        using var answer = await _server.Client.PostAsync("/v1/logs", Gzip(json, "application/json"));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.StartsWith("application/json", answer.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        var row = Assert.Single(await _server.QueryUntilAsync("service:otlp-json-test", r => r.Count == 1));
        Assert.Equal("json record", row.GetProperty("_msg").GetString());
        Assert.Equal("warning", row.GetProperty("level").GetString());
    }

    [Fact]
    public async Task OtlpHttp_GarbageProtobuf_Answers400AndCountsTheRejection()
    {
        var content = new ByteArrayContent([0x0A, 0xFF, 0xFF, 0x01, 0x02]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");

        using var answer = await _server.Client.PostAsync("/v1/logs", content);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("invalid OTLP protobuf", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, LiveServer.Sample(await _server.MetricsAsync(), "vigie_listener_events_total{listener=\"otlp-http\",result=\"rejected\"}"));
    }

    [Fact]
    public async Task Loki_JsonPushWithBadEntry_Answers400ButKeepsTheGood()
    {
        var push = """{"streams":[{"stream":{"job":"loki-test"},"values":[["1764064801000000000","kept"],["soon","bad"]]}]}""";

        using var answer = await _server.Client.PostAsync("/loki/api/v1/push", Json(push));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        var row = Assert.Single(await _server.QueryUntilAsync("job:loki-test", r => r.Count == 1));
        Assert.Equal("kept", row.GetProperty("_msg").GetString());
        Assert.Equal("{job=\"loki-test\"}", row.GetProperty("_stream").GetString());
    }

    [Fact]
    public async Task Loki_UnknownContentEncoding_Answers415()
    {
        var content = Json("""{"streams":[]}""");
        content.Headers.ContentEncoding.Add("lzma");

        using var answer = await _server.Client.PostAsync("/loki/api/v1/push", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, answer.StatusCode);
    }

    [Fact]
    public async Task Seq_RawEventsAndClefQuery_BothStored()
    {
        var raw = """{"Events":[{"Timestamp":"2025-11-25T10:00:00Z","Level":"Error","MessageTemplate":"raw {N}","Properties":{"N":1,"Suite":"seq-test"}}]}""";
        using var rawAnswer = await _server.Client.PostAsync("/api/events/raw", Json(raw));
        using var clefRequest = new HttpRequestMessage(HttpMethod.Post, "/api/events/raw?clef") { Content = Json("{\"@mt\":\"clef {N}\",\"N\":2,\"Suite\":\"seq-test\"}\n", "application/vnd.serilog.clef") };
        clefRequest.Headers.Add("X-Seq-ApiKey", "any");
        using var clefAnswer = await _server.Client.SendAsync(clefRequest);

        Assert.Equal(HttpStatusCode.Created, rawAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.Created, clefAnswer.StatusCode);
        var rows = await _server.QueryUntilAsync("Suite:seq-test", r => r.Count == 2);
        Assert.Equal(["clef 2", "raw 1"], rows.Select(r => r.GetProperty("_msg").GetString()).Order());
    }

    [Fact]
    public async Task Journald_ChunkedUpload_StoredAndAnswered202()
    {
        var export = "__REALTIME_TIMESTAMP=1764064800000000\nMESSAGE=from journald\n_HOSTNAME=j1\nSYSLOG_IDENTIFIER=journal-test\n\n";
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(export)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.fdo.journal");

        using var answer = await _server.Client.PostAsync("/upload", content);

        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        var row = Assert.Single(await _server.QueryUntilAsync("service:journal-test", r => r.Count == 1));
        Assert.Equal("from journald", row.GetProperty("_msg").GetString());
        Assert.Equal("j1", row.GetProperty("host").GetString());
    }
}

/// <summary>Each protocol can be switched off.</summary>
public sealed class DisabledProtocolTests : IAsyncLifetime
{
    private LiveServer _server = null!;

    public async Task InitializeAsync() => _server = await LiveServer.StartAsync(o => o with
    {
        Listeners = o.Listeners with { Elasticsearch = new(false), Loki = new(false), OtlpHttp = new(false), Seq = new(false), Journald = new(false) },
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("/_bulk")]
    [InlineData("/loki/api/v1/push")]
    [InlineData("/v1/logs")]
    [InlineData("/api/events/raw")]
    [InlineData("/upload")]
    public async Task DisabledProtocol_PathIsNotServed(string path)
    {
        using var answer = await _server.Client.PostAsync(path, new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.True(answer.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{path}: {answer.StatusCode}");
    }
}
