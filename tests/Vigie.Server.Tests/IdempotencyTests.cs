using System.Net;
using System.Text;
using System.Text.Json;

namespace Vigie.Server.Tests;

/// <summary><c>Idempotency-Key</c> on <c>POST /api/v1/ingest</c>, over real HTTP.</summary>
public sealed class IdempotencyTests : IAsyncLifetime
{
    private LiveServer _server = null!;

    public async Task InitializeAsync() => _server = await LiveServer.StartAsync(o => o with { MaxKeyedBodyBytes = 8 * 1024 * 1024 });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string ndjson, string? key, bool gzip = false, string? streams = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest" + (streams is null ? "" : "?stream=" + streams));
        HttpContent content = gzip ? new ByteArrayContent(LiveServer.Gzip(ndjson)) : new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson");
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }
        request.Content = content;
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }
        using var response = await _server.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<int> CountAsync(string query, int expected)
    {
        var rows = await _server.QueryUntilAsync(query + " | stats count() as n", r => r.Count == 1 && r[0].GetProperty("n").GetInt32() >= expected);
        // Wait one more flush interval: a second copy would show up by then.
        await Task.Delay(600);
        rows = await _server.QueryAsync(query + " | stats count() as n");
        return rows.Count == 0 ? 0 : rows[0].GetProperty("n").GetInt32();
    }

    [Fact]
    public async Task Retry_WithTheSameKey_AnswersTheSameCountsAndDuplicate_AndStoresNothing()
    {
        var ndjson = LiveServer.Ndjson(new { _msg = "one", batch = "retry" }, new { _msg = "two", batch = "retry" }) + "{broken\n";

        var (status, first) = await PostAsync(ndjson, "agent-a-1", gzip: true, streams: "container,file,host,unit");
        var (again, second) = await PostAsync(ndjson, "agent-a-1", gzip: true, streams: "container,file,host,unit");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.False(first.TryGetProperty("duplicate", out _));
        Assert.True(second.GetProperty("duplicate").GetBoolean());
        foreach (var name in new[] { "accepted", "rejected" })
        {
            Assert.Equal(first.GetProperty(name).GetInt32(), second.GetProperty(name).GetInt32());
        }
        Assert.Equal(2, first.GetProperty("accepted").GetInt32());
        Assert.Equal(1, second.GetProperty("errors").GetArrayLength());
        Assert.Equal(2, await CountAsync("batch:retry", 2));
        var metrics = await _server.MetricsAsync();
        Assert.Equal(1, LiveServer.Sample(metrics, "vigie_listener_duplicate_requests_total{listener=\"api\"}"));
        Assert.Equal(2, LiveServer.Sample(metrics, "vigie_listener_events_total{listener=\"api\",result=\"accepted\"}"));
    }

    [Fact]
    public async Task DifferentKeys_AndNoKey_AreStoredEachTime()
    {
        var ndjson = LiveServer.Ndjson(new { _msg = "same body", batch = "distinct" });
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(ndjson, "k-1")).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(ndjson, "k-2")).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(ndjson, null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(ndjson, null)).Status);
        Assert.Equal(4, await CountAsync("batch:distinct", 4));
    }

    [Fact]
    public async Task BodyLargerThanOneInternalBatch_IsStoredWholeUnderItsKey()
    {
        // 40,000 events: without a key the endpoint stores them in several batches.
        var ndjson = new StringBuilder();
        for (var i = 0; i < 40_000; i++)
        {
            ndjson.Append("{\"_msg\":\"bulk ").Append(i).Append("\",\"batch\":\"big\"}\n");
        }
        var (status, first) = await PostAsync(ndjson.ToString(), "big-1", gzip: true);
        var (_, second) = await PostAsync(ndjson.ToString(), "big-1", gzip: true);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(40_000, first.GetProperty("accepted").GetInt32());
        Assert.True(second.GetProperty("duplicate").GetBoolean());
        Assert.Equal(40_000, await CountAsync("batch:big", 40_000));
    }

    [Fact]
    public async Task ConcurrentRequests_WithTheSameKey_OneStoresTheOthersAnswerDuplicate()
    {
        var ndjson = LiveServer.Ndjson(new { _msg = "racing", batch = "race" }, new { _msg = "racing too", batch = "race" });
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => PostAsync(ndjson, "race-key")));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.All(answers, a => Assert.Equal(2, a.Body.GetProperty("accepted").GetInt32()));
        Assert.Equal(11, answers.Count(a => a.Body.TryGetProperty("duplicate", out var d) && d.GetBoolean()));
        Assert.Equal(2, await CountAsync("batch:race", 2));
    }

    [Fact]
    public async Task KeyedBodyOverTheKeyedLimit_Is413_AndTheKeyStaysFree()
    {
        var big = new StringBuilder();
        while (big.Length < 9 * 1024 * 1024)
        {
            big.Append("{\"_msg\":\"").Append('x', 1000).Append("\",\"batch\":\"too-big\"}\n");
        }
        var (status, body) = await PostAsync(big.ToString(), "over-1", gzip: true);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("Idempotency-Key", body.GetProperty("error").GetString(), StringComparison.Ordinal);

        var (retry, stored) = await PostAsync(LiveServer.Ndjson(new { _msg = "smaller", batch = "too-big" }), "over-1");
        Assert.Equal(HttpStatusCode.OK, retry);
        Assert.False(stored.TryGetProperty("duplicate", out _));
        Assert.Equal(1, await CountAsync("batch:too-big", 1));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("tab\there")]
    public async Task MalformedKey_Is400_AndStoresNothing(string key)
    {
        var (status, body) = await PostAsync(LiveServer.Ndjson(new { _msg = "bad key", batch = "bad-key" }), key);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Idempotency-Key", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync("batch:bad-key", 0));
    }

    [Fact]
    public async Task KeyTooLong_Is400()
    {
        var (status, _) = await PostAsync(LiveServer.Ndjson(new { _msg = "long key" }), new string('k', 201));
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }
}
