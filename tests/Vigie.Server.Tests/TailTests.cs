using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Vigie.Server.Tests;

/// <summary><c>GET /api/v1/tail</c>: live events, as NDJSON or server-sent events.</summary>
public sealed class TailTests : IAsyncLifetime
{
    private static readonly TimeSpan Live = TimeSpan.FromSeconds(1);
    private LiveServer _server = null!;

    public async Task InitializeAsync() => _server = await LiveServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>
    /// Opens a tail and waits until the server counts it as a subscriber; the response task completes
    /// once the response headers arrive.
    /// </summary>
    private async Task<Task<HttpResponseMessage>> OpenTailAsync(string query, bool sse, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tail?q=" + Uri.EscapeDataString(query));
        if (sse)
        {
            request.Headers.Accept.ParseAdd("text/event-stream");
        }
        var before = LiveServer.Sample(await _server.MetricsAsync(), "vigie_tail_subscribers");
        var response = _server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var clock = Stopwatch.StartNew();
        while (LiveServer.Sample(await _server.MetricsAsync(), "vigie_tail_subscribers") <= before)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), "the tail subscription never registered");
            await Task.Delay(20, cancellationToken);
        }
        return response;
    }

    /// <summary>Reads lines until <paramref name="wanted"/> kept ones arrived; fails after 1 s.</summary>
    private static async Task<List<string>> ReadLinesAsync(StreamReader reader, int wanted, Func<string, bool> keep)
    {
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(Live);
        while (lines.Count < wanted)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"only {lines.Count} of {wanted} tail lines within {Live}: {string.Join(" | ", lines)}");
                throw;
            }
            Assert.NotNull(line);
            if (keep(line))
            {
                lines.Add(line);
            }
        }
        return lines;
    }

    [Fact]
    public async Task Tail_Ndjson_StreamsOnlyNewMatchingEventsWithinOneSecond()
    {
        await _server.IngestOkAsync(LiveServer.Ndjson(new { _msg = "error before the tail opened", level = "error" }));
        var opening = await OpenTailAsync("level:error", sse: false);

        await _server.IngestOkAsync(LiveServer.Ndjson(
            new { _msg = "fine", level = "info", n = 1 },
            new { _msg = "boom", level = "error", n = 2 },
            new { _msg = "meh", level = "warn", n = 3 }));
        await _server.IngestOkAsync(LiveServer.Ndjson(new { _msg = "boom again", level = "error", n = 4 }));
        using var response = await opening.WaitAsync(Live);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("application/x-ndjson", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = await ReadLinesAsync(reader, 2, l => l.Length > 0);

        var events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["boom", "boom again"], events.Select(e => e.GetProperty("_msg").GetString()));
        Assert.Equal(JsonValueKind.Number, events[0].GetProperty("n").ValueKind);
        Assert.True(events[0].TryGetProperty("_time", out _));
    }

    [Fact]
    public async Task Tail_EventStream_SendsMatchingEventsAsSseDataLines()
    {
        var opening = await OpenTailAsync("service:checkout", sse: true);

        await _server.IngestOkAsync(LiveServer.Ndjson(new { _msg = "paid", service = "checkout" }, new { _msg = "viewed", service = "catalog" }, new { _msg = "refunded", service = "checkout" }));
        using var response = await opening.WaitAsync(Live);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = await ReadLinesAsync(reader, 2, l => l.StartsWith("data: ", StringComparison.Ordinal));

        Assert.Equal(["paid", "refunded"], lines.Select(l => JsonDocument.Parse(l["data: ".Length..]).RootElement.GetProperty("_msg").GetString()));
    }

    [Fact]
    public async Task Tail_OpenWithoutTraffic_ResponseHeadersArriveWithinOneSecond()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tail?q=*");
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await _server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Live);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Tail_QueryWithPipe_Returns400()
    {
        using var response = await _server.Client.GetAsync("/api/v1/tail?q=" + Uri.EscapeDataString("* | stats count()"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Tail_ClientGoesAway_SubscriberIsRemoved()
    {
        using var cancel = new CancellationTokenSource();
        var opening = await OpenTailAsync("*", sse: false, cancel.Token);
        await _server.IngestOkAsync(LiveServer.Ndjson(new { _msg = "first" }));
        (await opening.WaitAsync(Live)).Dispose();

        var clock = Stopwatch.StartNew();
        while (LiveServer.Sample(await _server.MetricsAsync(), "vigie_tail_subscribers") > 0)
        {
            // The server notices the closed connection at its next write at the latest; an ingest makes one.
            await _server.IngestOkAsync(LiveServer.Ndjson(new { _msg = "poke" }));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), "the tail subscriber was never released");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task StopAsync_WithOpenTail_StopsWithinTwoSeconds()
    {
        var opening = await OpenTailAsync("*", sse: false);
        await _server.IngestOkAsync(LiveServer.Ndjson(new { _msg = "keep the tail busy" }));
        using var response = await opening.WaitAsync(Live);

        var took = await _server.StopAsync();

        Assert.True(took < TimeSpan.FromSeconds(2), $"stopping took {took} with a live tail open");
    }
}
