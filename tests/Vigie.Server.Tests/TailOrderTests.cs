using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Vigie.Server.Tests;

/// <summary>
/// <c>GET /api/v1/tail</c> on a request whose events belong to several streams, interleaved: the store
/// holds the batch grouped by stream, the tail sends the events in the order they came.
/// </summary>
public sealed class TailOrderTests : IAsyncLifetime
{
    private static readonly TimeSpan Live = TimeSpan.FromSeconds(1);
    private LiveServer _server = null!;

    public async Task InitializeAsync() => _server = await LiveServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Tail_EventsOfStreamsInterleaved_InTheOrderTheyCame()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tail?q=" + Uri.EscapeDataString("ordered"));
        var before = LiveServer.Sample(await _server.MetricsAsync(), "vigie_tail_subscribers");
        var opening = _server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var clock = Stopwatch.StartNew();
        while (LiveServer.Sample(await _server.MetricsAsync(), "vigie_tail_subscribers") <= before)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), "the tail subscription never registered");
            await Task.Delay(20);
        }

        string[] services = ["a", "b", "a", "c", "b", "c", "a"];
        await _server.IngestOkAsync(LiveServer.Ndjson([.. services.Select((s, i) => (object)new { _msg = $"ordered {i}", service = s })]), streams: "service");
        using var response = await opening.WaitAsync(Live);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var messages = new List<string>();
        using var timeout = new CancellationTokenSource(Live);
        while (messages.Count < services.Length)
        {
            var line = await reader.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            if (line.Length > 0)
            {
                messages.Add(JsonDocument.Parse(line).RootElement.GetProperty("_msg").GetString()!);
            }
        }

        Assert.Equal(services.Select((_, i) => $"ordered {i}"), messages);
    }
}
