using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Vigie.Server.Tests;

/// <summary><c>GET|POST /api/v1/query</c> against the real server.</summary>
public sealed class QueryTests : IAsyncLifetime
{
    private LiveServer _server = null!;

    public async Task InitializeAsync() => _server = await LiveServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Rfc3339(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Query_AfterIngest_ReturnsEventsNewestFirstWithTypedFlattenedFields()
    {
        var ndjson =
            "{\"_time\":\"2025-03-04T10:00:00.5Z\",\"_msg\":\"first\",\"host\":\"web-1\",\"service\":\"api\",\"http\":{\"status\":200,\"path\":\"/a\"},\"ok\":true}\n" +
            "{\"_time\":\"2025-03-04T10:00:02.25Z\",\"_msg\":\"third\",\"host\":\"web-2\",\"service\":\"api\",\"http\":{\"status\":503,\"path\":\"/c\"},\"ok\":false}\n" +
            "{\"_time\":\"2025-03-04T10:00:01Z\",\"_msg\":\"second\",\"host\":\"web-1\",\"service\":\"api\",\"http\":{\"status\":404,\"path\":\"/b\"},\"latency\":0.125}\n";
        await _server.IngestOkAsync(ndjson, streams: "host,service");

        var rows = await _server.QueryUntilAsync("*", r => r.Count == 3);

        Assert.Equal(["third", "second", "first"], rows.Select(r => r.GetProperty("_msg").GetString()));
        Assert.Equal(["2025-03-04T10:00:02.25Z", "2025-03-04T10:00:01Z", "2025-03-04T10:00:00.5Z"], rows.Select(r => r.GetProperty("_time").GetString()));
        Assert.Equal("{host=\"web-2\",service=\"api\"}", rows[0].GetProperty("_stream").GetString());
        Assert.Equal("{host=\"web-1\",service=\"api\"}", rows[1].GetProperty("_stream").GetString());
        Assert.Equal(JsonValueKind.Number, rows[0].GetProperty("http.status").ValueKind);
        Assert.Equal(503, rows[0].GetProperty("http.status").GetInt32());
        Assert.Equal("/c", rows[0].GetProperty("http.path").GetString());
        Assert.False(rows[0].TryGetProperty("http", out _), "nested objects are flattened into dotted names");
        Assert.Equal(JsonValueKind.False, rows[0].GetProperty("ok").ValueKind);
        Assert.Equal(JsonValueKind.True, rows[2].GetProperty("ok").ValueKind);
        Assert.Equal(0.125, rows[1].GetProperty("latency").GetDouble());
    }

    [Fact]
    public async Task Query_FilterOnStreamAndNumber_ReturnsOnlyMatchingEvents()
    {
        await _server.IngestOkAsync(LiveServer.Ndjson(
            new { _msg = "ok", host = "a", status = 200 },
            new { _msg = "fail", host = "a", status = 500 },
            new { _msg = "fail elsewhere", host = "b", status = 502 }), streams: "host");

        var rows = await _server.QueryUntilAsync("host:a status:>=500", r => r.Count == 1);

        Assert.Equal("fail", Assert.Single(rows).GetProperty("_msg").GetString());
    }

    [Fact]
    public async Task Query_PostFormBody_RunsLikeGet()
    {
        await _server.IngestOkAsync(LiveServer.Ndjson(new { _msg = "posted form", k = "v" }));
        await _server.QueryUntilAsync("*", r => r.Count == 1);

        using var response = await _server.Client.PostAsync("/api/v1/query", new FormUrlEncodedContent([new("q", "k:v")]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = Assert.Single((await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("posted form", JsonDocument.Parse(line).RootElement.GetProperty("_msg").GetString());
    }

    [Fact]
    public async Task Query_BadQuery_Returns400WithLineAndColumn()
    {
        using var response = await _server.Client.GetAsync(LiveServer.QueryPath("status:("));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1, body.GetProperty("line").GetInt32());
        Assert.Equal(8, body.GetProperty("column").GetInt32());
        Assert.Equal(7, body.GetProperty("position").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("reason").GetString()));
    }

    [Theory]
    [InlineData("start=yesterday-ish")]
    [InlineData("end=-5zz")]
    [InlineData("limit=-1")]
    public async Task Query_BadParameter_Returns400NamingIt(string parameter)
    {
        using var response = await _server.Client.GetAsync(LiveServer.QueryPath("*", parameter));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
        Assert.StartsWith(parameter.Split('=')[0] + "=", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_Stats_RowKeysAreByFieldsThenFunctionsInOrder()
    {
        await _server.IngestOkAsync(LiveServer.Ndjson(
            new { _msg = "x", service = "api", host = "h1", ms = 10 },
            new { _msg = "x", service = "api", host = "h1", ms = 30 },
            new { _msg = "x", service = "api", host = "h2", ms = 5 },
            new { _msg = "x", service = "db", host = "h1", ms = 7 }));
        await _server.QueryUntilAsync("*", r => r.Count == 4);

        var rows = await _server.QueryAsync("* | stats count() as hits, max(ms), count() by (service, host)");

        Assert.Equal(3, rows.Count);
        foreach (var row in rows)
        {
            Assert.Equal(["service", "host", "hits", "max(ms)", "count()"], row.EnumerateObject().Select(p => p.Name));
        }
        Assert.Equal(["api/h1", "api/h2", "db/h1"], rows.Select(r => r.GetProperty("service").GetString() + "/" + r.GetProperty("host").GetString()));
        Assert.Equal([2, 1, 1], rows.Select(r => r.GetProperty("hits").GetInt32()));
        Assert.Equal(30, rows[0].GetProperty("max(ms)").GetInt32());
        Assert.Equal(JsonValueKind.Number, rows[0].GetProperty("count()").ValueKind);
    }

    [Fact]
    public async Task Query_Limit_ReturnsOnlyTheNewestRows()
    {
        var t0 = new DateTime(2025, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        await _server.IngestOkAsync(LiveServer.Ndjson([.. Enumerable.Range(0, 10).Select(i => (object)new { _time = Rfc3339(t0.AddSeconds(i)), _msg = "n", i })]));
        await _server.QueryUntilAsync("*", r => r.Count == 10);

        var rows = await _server.QueryAsync("*", "limit=3");

        Assert.Equal([9, 8, 7], rows.Select(r => r.GetProperty("i").GetInt32()));
    }

    [Fact]
    public async Task Query_RelativeStartAndNowEnd_SelectOnlyRecentEvents()
    {
        var now = DateTime.UtcNow;
        await _server.IngestOkAsync(LiveServer.Ndjson(
            new { _time = Rfc3339(now.AddHours(-3)), _msg = "old" },
            new { _time = Rfc3339(now.AddMinutes(-90)), _msg = "older than an hour" },
            new { _time = Rfc3339(now.AddMinutes(-10)), _msg = "recent" },
            new { _time = Rfc3339(now.AddHours(2)), _msg = "future" }));
        await _server.QueryUntilAsync("*", r => r.Count == 4);

        var lastHour = await _server.QueryAsync("*", "start=-1h&end=now");
        var lastTwoHours = await _server.QueryAsync("*", "start=-2h&end=now");

        Assert.Equal(["recent"], lastHour.Select(r => r.GetProperty("_msg").GetString()));
        Assert.Equal(["recent", "older than an hour"], lastTwoHours.Select(r => r.GetProperty("_msg").GetString()));
    }
}
