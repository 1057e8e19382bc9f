using System.Net;
using System.Text;
using System.Text.Json;

namespace Vigie.Server.Tests;

/// <summary>API keys over real HTTP: every HTTP ingest endpoint needs one, in its clients' own form; queries stay open.</summary>
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
        var (wrongBearer, _, _) = await SendAsync("/ingest/clef", clef, r => r.Headers.Add("Authorization", "Bearer first-kez"));

        Assert.Equal(HttpStatusCode.Created, header);
        Assert.Equal(HttpStatusCode.Created, query);
        Assert.Equal(HttpStatusCode.Unauthorized, none);
        Assert.Contains("X-Seq-ApiKey", noneBody.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongBearer);
        Assert.Equal(2, (await _server.QueryUntilAsync("batch:seq-keys", r => r.Count == 2)).Count);
        Assert.Equal(3, LiveServer.Sample(await _server.MetricsAsync(), "vigie_listener_unauthorized_requests_total{listener=\"seq\"}"));
    }

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    /// <summary>Each protocol's body, tagged with BATCH, and how its clients send a key (and a wrong one).</summary>
    public static TheoryData<string, string, string, string, string> Protocols() => new()
    {
        { "loki", "/loki/api/v1/push", """{"streams":[{"stream":{"service":"keyed"},"values":[["1764064800000000000","loki BATCH"]]}]}""", Basic("promtail", "second-key"), Basic("promtail", "second-kez") },
        { "otlp-http", "/v1/logs", """{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"keyed"}}]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"1764064800000000000","body":{"stringValue":"otlp BATCH"}}]}]}]}""", "Bearer first-key", "Bearer first-kez" },
        { "elasticsearch", "/logs/_bulk", "{\"index\":{}}\n{\"message\":\"bulk BATCH\"}\n", ApiKey("filebeat:first-key"), ApiKey("filebeat:first-kez") },
        { "elasticsearch", "/logs/_doc", """{"message":"doc BATCH"}""", Basic("logstash", "second-key"), Basic("logstash", "second-kez") },
        { "gelf-http", "/gelf", """{"version":"1.1","host":"h","short_message":"gelf BATCH"}""", "Bearer second-key", "Bearer second-kez" },
        { "splunk", "/services/collector/event", """{"event":"splunk BATCH"}""", "Splunk first-key", "Splunk first-kez" },
    };

    private static string ApiKey(string idAndKey) => "ApiKey " + Convert.ToBase64String(Encoding.UTF8.GetBytes(idAndKey));

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task HttpProtocol_WithoutOrWithAWrongKey_Is401AndStoresNothing_WithItsClientsForm_IsStored(string listener, string path, string body, string authorization, string wrongAuthorization)
    {
        var batch = "k" + Guid.NewGuid().ToString("N")[..12];
        var refusedBatch = batch + "x";
        var refused = body.Replace("BATCH", refusedBatch, StringComparison.Ordinal);
        var before = await UnauthorizedAsync(listener);

        var (none, _, noneResponse) = await SendAsync(path, refused);
        var (wrong, _, _) = await SendAsync(path, refused, r => r.Headers.TryAddWithoutValidation("Authorization", wrongAuthorization));
        var (allowed, _, _) = await SendAsync(path, body.Replace("BATCH", batch, StringComparison.Ordinal), r => r.Headers.TryAddWithoutValidation("Authorization", authorization));

        Assert.Equal(HttpStatusCode.Unauthorized, none);
        // Splunk's HEC answers a wrong token with 403, as Splunk does.
        Assert.Equal(listener == "splunk" ? HttpStatusCode.Forbidden : HttpStatusCode.Unauthorized, wrong);
        Assert.True((int)allowed is >= 200 and < 300, $"{path} with {authorization}: {allowed}");
        Assert.Single(await _server.QueryUntilAsync(batch, r => r.Count == 1));
        if (listener != "splunk")
        {
            Assert.Contains("Bearer", noneResponse.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
        Assert.Equal(before + 2, await UnauthorizedAsync(listener));
        Assert.Empty(await _server.QueryAsync(refusedBatch));
    }

    private async Task<double> UnauthorizedAsync(string listener)
    {
        var name = $"vigie_listener_unauthorized_requests_total{{listener=\"{listener}\"}} ";
        var line = (await _server.MetricsAsync()).Split('\n').SingleOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[name.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
