using System.Net;
using System.Text;
using System.Text.Json;

namespace Vigie.Server.Tests.Protocols;

/// <summary>
/// The endpoints mapped as plain request delegates (no generated parameter binding): route values,
/// services and results reach the handlers as they did through bound parameters.
/// </summary>
public sealed class RequestDelegateRouteTests : IAsyncLifetime
{
    private LiveServer _server = null!;

    public async Task InitializeAsync() => _server = await LiveServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("POST", "/idx-a/_doc", "idx-a", null)]
    [InlineData("PUT", "/idx-b/_doc/doc-1", "idx-b", "doc-1")]
    [InlineData("POST", "/idx-c/_create/doc-2", "idx-c", "doc-2")]
    public async Task ElasticsearchDocument_RouteValuesReachTheAnswerAndTheStore(string method, string path, string index, string? id)
    {
        var svc = "rd-" + index;
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new StringContent($$"""{"message":"doc in {{index}}","svc":"{{svc}}"}""", Encoding.UTF8, "application/json"),
        };

        using var answer = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(index, body.GetProperty("_index").GetString());
        if (id is not null)
        {
            Assert.Equal(id, body.GetProperty("_id").GetString());
        }
        var row = Assert.Single(await _server.QueryUntilAsync("svc:" + svc, r => r.Count == 1));
        Assert.Equal("doc in " + index, row.GetProperty("_msg").GetString());
    }

    [Fact]
    public async Task ElasticsearchBulk_IndexFromTheRoute_IsTheDefaultIndex()
    {
        var bulk = "{\"index\":{}}\n{\"message\":\"bulk routed\",\"svc\":\"rd-bulk\"}\n";

        using var answer = await _server.Client.PostAsync("/routed/_bulk", new StringContent(bulk, Encoding.UTF8, "application/x-ndjson"));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        var item = body.GetProperty("items").EnumerateArray().Single().EnumerateObject().Single().Value;
        Assert.Equal("routed", item.GetProperty("_index").GetString());
    }

    [Fact]
    public async Task ResultEndpoints_AnswerTheirBodiesAndTypes()
    {
        using var ready = await _server.Client.GetAsync("/ready");
        Assert.Equal("ready\n", await ready.Content.ReadAsStringAsync());
        Assert.StartsWith("text/plain", ready.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);

        var buildInfo = JsonDocument.Parse(await _server.Client.GetStringAsync("/loki/api/v1/status/buildinfo")).RootElement;
        Assert.Equal("3.3.0", buildInfo.GetProperty("version").GetString());

        var seq = JsonDocument.Parse(await _server.Client.GetStringAsync("/api")).RootElement;
        Assert.Equal("Vigie", seq.GetProperty("product").GetString());

        using var health = await _server.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());

        using var metrics = await _server.Client.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType?.ToString());
        Assert.Contains("vigie_", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
