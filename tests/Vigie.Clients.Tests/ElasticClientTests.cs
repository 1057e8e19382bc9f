using System.Text.Json.Serialization;
using Elastic.Clients.Elasticsearch;

namespace Vigie.Clients.Tests;

/// <summary>The official .NET Elasticsearch client (product check, bulk).</summary>
public sealed class ElasticClientTests : IAsyncLifetime
{
    private ClientServer _server = null!;

    public async Task InitializeAsync() => _server = await ClientServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ElasticsearchClient_InfoAndBulk_AreAnsweredAndDocumentsStored()
    {
        var run = Guid.NewGuid().ToString("N");
        var client = new ElasticsearchClient(new ElasticsearchClientSettings(new Uri(_server.BaseUrl)));

        var info = await client.InfoAsync();
        Assert.True(info.IsValidResponse, info.DebugInformation);
        Assert.False(string.IsNullOrEmpty(info.Version.Number));

        var docs = Enumerable.Range(1, 3).Select(i => new Doc(new DateTimeOffset(2026, 11, 25, 10, 0, i, TimeSpan.Zero), $"dotnet line {i}", run, i)).ToList();
        var bulk = await client.BulkAsync(b => b.Index("dotnet-logs").IndexMany(docs));
        Assert.True(bulk.IsValidResponse, bulk.DebugInformation);
        Assert.False(bulk.Errors);
        Assert.Equal(3, bulk.Items.Count);

        var rows = await _server.QueryUntilAsync($"run:{run}", 3);
        Assert.Equal(["dotnet line 1", "dotnet line 2", "dotnet line 3"], rows.Messages());
        var first = rows.Single(r => r.Text("_msg") == "dotnet line 1");
        Assert.Equal("2026-11-25T10:00:01Z", first.Text("_time"));
        Assert.Equal("dotnet-logs", first.Text("_index"));
        Assert.Equal("1", first.Text("n"));
    }

    [Fact]
    public async Task ElasticsearchClient_IndexOneDocument_IsStored()
    {
        var run = Guid.NewGuid().ToString("N");
        var client = new ElasticsearchClient(new ElasticsearchClientSettings(new Uri(_server.BaseUrl)));

        var answer = await client.IndexAsync(new Doc(new DateTimeOffset(2026, 11, 25, 11, 0, 0, TimeSpan.Zero), "single document", run, 7), i => i.Index("single-logs").Id("doc-1"));

        Assert.True(answer.IsValidResponse, answer.DebugInformation);
        Assert.Equal("doc-1", answer.Id);
        var row = Assert.Single(await _server.QueryUntilAsync($"run:{run}", 1));
        Assert.Equal("single document", row.Text("_msg"));
        Assert.Equal("single-logs", row.Text("_index"));
    }

    private sealed record Doc(
        [property: JsonPropertyName("@timestamp")] DateTimeOffset Timestamp,
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("run")] string Run,
        [property: JsonPropertyName("n")] int N);
}
