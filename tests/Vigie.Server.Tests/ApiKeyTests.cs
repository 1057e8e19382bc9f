using System.Net;
using System.Text;
using System.Text.Json;

namespace Vigie.Server.Tests;

/// <summary>API keys over real HTTP: ingest and Seq need one, queries stay open.</summary>
public sealed class ApiKeyTests : IAsyncLifetime
{
    private LiveServer _server = null!;

    public async Task InitializeAsync() => _server = await LiveServer.StartAsync(o => o with { ApiKeys = ["first-key", "second-key"] });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(string path, string body, Action<HttpRequestMessage>? decorate = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/x-ndjson") };
        decorate?.Invoke(request);
        var response = await _server.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    [Fact]
    public async Task Ingest_WithoutKey_Is401WithAClearError_WithAWrongKey_Is401_AndCounted()
    {
        var ndjson = LiveServer.Ndjson(new { _msg = "locked out", batch = "no-key" });

        var (missing, missingBody, missingResponse) = await SendAsync("/api/v1/ingest", ndjson);
        var (wrong, wrongBody, _) = await SendAsync("/api/v1/ingest", ndjson, r => r.Headers.Add("Authorization", "Bearer first-kez"));
        var (basic, _, _) = await SendAsync("/api/v1/ingest", ndjson, r => r.Headers.Add("Authorization", "Basic Zmlyc3Qta2V5"));

        Assert.Equal(HttpStatusCode.Unauthorized, missing);
        Assert.Contains("Authorization: Bearer", missingBody.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("Bearer", missingResponse.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        Assert.Contains("not valid", wrongBody.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, basic);
        var metrics = await _server.MetricsAsync();
        Assert.Equal(3, LiveServer.Sample(metrics, "vigie_listener_unauthorized_requests_total{listener=\"api\"}"));
        await Task.Delay(600);
        Assert.Empty(await _server.QueryAsync("batch:no-key"));
    }

    [Theory]
    [InlineData("first-key")]
    [InlineData("second-key")]
    public async Task Ingest_WithAnyOfTheKeys_IsStored(string key)
    {
        var batch = "with-" + key;
        var (status, body, _) = await SendAsync("/api/v1/ingest", LiveServer.Ndjson(new { _msg = "let in", batch }), r => r.Headers.Add("Authorization", "Bearer " + key));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        // Queries need no key.
        Assert.Single(await _server.QueryUntilAsync("batch:" + batch, r => r.Count == 1));
    }

    [Fact]
    public async Task Seq_AcceptsTheKeyInTheHeaderOrTheQuery_AndRefusesOthers()
    {
        var clef = "{\"@t\":\"2026-11-25T10:00:00Z\",\"@mt\":\"seq keyed\",\"batch\":\"seq-keys\"}\n";
        var (header, _, _) = await SendAsync("/api/events/raw?clef", clef, r => r.Headers.Add("X-Seq-ApiKey", "second-key"));
        var (query, _, _) = await SendAsync("/ingest/clef?apiKey=first-key", clef);
        var (none, noneBody, _) = await SendAsync("/ingest/clef", clef);
        var (wrong, _, _) = await SendAsync("/ingest/clef", clef, r => r.Headers.Add("X-Seq-ApiKey", "nope"));
        // The ingest API's way (a bearer token) is not Seq's: refused there.
        var (bearer, _, _) = await SendAsync("/ingest/clef", clef, r => r.Headers.Add("Authorization", "Bearer first-key"));

        Assert.Equal(HttpStatusCode.Created, header);
        Assert.Equal(HttpStatusCode.Created, query);
        Assert.Equal(HttpStatusCode.Unauthorized, none);
        Assert.Contains("X-Seq-ApiKey", noneBody.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, bearer);
        Assert.Equal(2, (await _server.QueryUntilAsync("batch:seq-keys", r => r.Count == 2)).Count);
        Assert.Equal(3, LiveServer.Sample(await _server.MetricsAsync(), "vigie_listener_unauthorized_requests_total{listener=\"seq\"}"));
    }
}
