using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Vigie.Pipelines.Tests;

/// <summary>
/// A real server started without a config file: the built-in pipelines process what matches them.
/// The body is large enough for the HTTP ingest to fill batches from the store's pool, so the
/// pipelines' output batches come from it too.
/// </summary>
public sealed class DefaultPipelinesServerTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-pipelines-defaults-").FullName;
    private InProcessServer? _server;

    public async Task InitializeAsync()
    {
        _server = await InProcessServer.StartAsync(Path.Combine(_dir, "data"));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<long> CountAsync(string query)
    {
        var text = await _server!.Client.GetStringAsync("/api/v1/query?q=" + Uri.EscapeDataString(query + " | stats count() as n"));
        var row = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).SingleOrDefault();
        return row.ValueKind == JsonValueKind.Undefined ? 0 : long.Parse(row.GetProperty("n").ToString(), CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Without_a_config_file_the_built_in_pipelines_parse_matching_services()
    {
        const int Lines = 3000;
        var body = new StringBuilder();
        for (var i = 0; i < Lines; i++)
        {
            var line = (i % 3) switch
            {
                0 => string.Create(CultureInfo.InvariantCulture, $"203.0.113.{i % 250} - - [25/Nov/2026:10:{i / 60 % 60:00}:{i % 60:00} +0100] \"GET /item/{i} HTTP/1.1\" {(i % 2 == 0 ? 200 : 404)} {i} \"-\" \"curl/8.5.0\""),
                1 => string.Create(CultureInfo.InvariantCulture, $"{{\"level\":\"WARN\",\"msg\":\"order {i} late\",\"time\":\"2026-11-25T10:00:00Z\"}}"),
                _ => string.Create(CultureInfo.InvariantCulture, $"worker finished job {i}"),
            };
            var service = (i % 3) switch { 0 => "nginx", 1 => "billing", _ => "worker" };
            body.Append("{\"_msg\":").Append(JsonSerializer.Serialize(line)).Append(",\"service\":\"").Append(service).Append("\",\"seq\":").Append(i).Append('}').Append('\n');
        }
        Assert.True(body.Length > 256 * 1024, "the body must be large enough to be decoded into pooled batches");
        using var response = await _server!.Client.PostAsync("/api/v1/ingest?stream=service", new StringContent(body.ToString(), Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Searchable at the store's next flush (every 0.5 s); a loaded machine may take much longer.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await CountAsync("*") < Lines && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.Equal(Lines, await CountAsync("*"));
        // nginx: every access line parsed (status a number, the line's own time); JSON logs: level normalised.
        Assert.Equal(Lines / 3, await CountAsync("service:nginx client_ip:* status:>=200"));
        Assert.Equal(Lines / 6, await CountAsync("service:nginx status:404"));
        Assert.Equal(Lines / 3, await CountAsync("service:billing level:warning"));
        Assert.Equal(Lines / 3, await CountAsync("service:worker NOT level:*"));
        Assert.Equal(0, await CountAsync("_pipeline_error:*"));
    }
}
