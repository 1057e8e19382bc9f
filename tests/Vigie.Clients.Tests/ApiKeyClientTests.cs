using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Vigie.Clients.Tests;

/// <summary>Real clients against a server with API keys, each sending the key its own way.</summary>
public sealed class ApiKeyClientTests : IAsyncLifetime
{
    private const string Key = "3f9c1e0b7a2d4c58";

    private ClientServer _server = null!;

    public async Task InitializeAsync() => _server = await ClientServer.StartAsync(apiKeys: [Key]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private void ExportOtlp(string transport, string? key, string run)
    {
        using var factory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("keyed-" + transport));
            o.AddOtlpExporter((exporter, processor) =>
            {
                exporter.Protocol = transport == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                exporter.Endpoint = new Uri(transport == "grpc" ? _server.GrpcUrl : _server.BaseUrl + "/v1/logs");
                if (key is not null)
                {
                    exporter.Headers = "Authorization=Bearer " + key;
                }
                processor.ExportProcessorType = OpenTelemetry.ExportProcessorType.Simple;
            });
        }));
        factory.CreateLogger("Keyed").LogWarning("keyed export {Run}", run);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task OtlpExporter_WithTheKeyInItsHeaders_IsStored_WithoutOrWrong_IsRefusedAndCounted(string transport)
    {
        var good = Guid.NewGuid().ToString("N");
        var wrong = Guid.NewGuid().ToString("N");
        var none = Guid.NewGuid().ToString("N");

        ExportOtlp(transport, Key, good);
        ExportOtlp(transport, "not-the-key", wrong);
        ExportOtlp(transport, null, none);

        Assert.Single(await _server.QueryUntilAsync($"Run:{good}", 1));
        await Task.Delay(600);
        Assert.Empty(await _server.QueryAsync($"Run:{wrong} or Run:{none}"));
        Assert.Contains($"vigie_listener_unauthorized_requests_total{{listener=\"otlp-{transport}\"}} 2", await _server.MetricsAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ElasticsearchClient_WithAnApiKeyOrBasicAuth_IsStored_WithAWrongOne_GetsSecurityException()
    {
        var run = Guid.NewGuid().ToString("N");
        var encoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("filebeat:" + Key));
        var apiKey = new ElasticsearchClient(new ElasticsearchClientSettings(new Uri(_server.BaseUrl)).Authentication(new ApiKey(encoded)));
        var basic = new ElasticsearchClient(new ElasticsearchClientSettings(new Uri(_server.BaseUrl)).Authentication(new BasicAuthentication("logstash", Key)));
        var wrong = new ElasticsearchClient(new ElasticsearchClientSettings(new Uri(_server.BaseUrl)).Authentication(new BasicAuthentication("logstash", "not-the-key")));

        var byApiKey = await apiKey.IndexAsync(new { message = "by api key", run }, i => i.Index("keyed"));
        var byBasic = await basic.BulkAsync(b => b.Index("keyed").IndexMany([new { message = "by basic", run }]));
        var refused = await wrong.IndexAsync(new { message = "refused", run }, i => i.Index("keyed"));

        Assert.True(byApiKey.IsValidResponse, byApiKey.DebugInformation);
        Assert.True(byBasic.IsValidResponse, byBasic.DebugInformation);
        Assert.False(refused.IsValidResponse);
        Assert.Equal(401, refused.ApiCallDetails.HttpStatusCode);
        Assert.Equal("security_exception", refused.ElasticsearchServerError?.Error?.Type);
        var rows = await _server.QueryUntilAsync($"run:{run}", 2);
        Assert.Equal(["by api key", "by basic"], rows.Messages());
    }
}
