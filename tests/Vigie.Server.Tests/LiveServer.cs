using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Vigie.Server.Tests;

/// <summary>The real server on 127.0.0.1 with a port Kestrel picks, over a temp data directory.</summary>
internal sealed class LiveServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDir;

    private LiveServer(WebApplication app, string dataDir, Uri address)
    {
        _app = app;
        _dataDir = dataDir;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    /// <summary>The server's services (tests look at what it holds).</summary>
    public IServiceProvider Services => _app.Services;

    public static async Task<LiveServer> StartAsync(Func<ServerOptions, ServerOptions>? configure = null)
    {
        var dataDir = Directory.CreateTempSubdirectory("vigie-server-tests-").FullName;
        // Socket listeners on ports of their own: tests run side by side, the default ports would collide.
        var any = new ListenerSetting(true, "127.0.0.1:0");
        var listeners = new ListenerOptions { SyslogUdp = any, SyslogTcp = any, GelfUdp = any, GelfTcp = any, Fluent = any, OtlpGrpc = new(false) };
        var options = new ServerOptions { DataDir = dataDir, Listen = "127.0.0.1:0", Listeners = listeners };
        options = configure?.Invoke(options) ?? options;
        var app = VigieServer.Build(options);
        try
        {
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            var uri = new Uri(address);
            Assert.NotEqual(0, uri.Port);
            return new LiveServer(app, dataDir, uri);
        }
        catch
        {
            await app.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
            throw;
        }
    }

    /// <summary>Stops the host as <c>vigie serve</c> does on SIGTERM; returns how long that took.</summary>
    public async Task<TimeSpan> StopAsync()
    {
        var clock = Stopwatch.StartNew();
        await _app.StopAsync();
        return clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    public static string Ndjson(params object[] events) => string.Concat(events.Select(e => JsonSerializer.Serialize(e) + "\n"));

    public Task<(HttpStatusCode Status, JsonElement Body)> IngestAsync(string ndjson, string? streams = null) =>
        IngestAsync(new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson"), streams);

    public async Task<(HttpStatusCode Status, JsonElement Body)> IngestAsync(HttpContent content, string? streams = null)
    {
        var path = "/api/v1/ingest" + (streams is null ? "" : "?stream=" + Uri.EscapeDataString(streams));
        using var response = await Client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Ingests and asserts every line was accepted.</summary>
    public async Task IngestOkAsync(string ndjson, string? streams = null)
    {
        var (status, body) = await IngestAsync(ndjson, streams);
        Assert.Equal(HttpStatusCode.OK, status);
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.Equal(lines, body.GetProperty("accepted").GetInt32());
    }

    public static string QueryPath(string q, string? extra = null) =>
        "/api/v1/query?q=" + Uri.EscapeDataString(q) + (extra is null ? "" : "&" + extra);

    public async Task<List<JsonElement>> QueryAsync(string q, string? extra = null)
    {
        using var response = await Client.GetAsync(QueryPath(q, extra));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"query {q} answered {(int)response.StatusCode}: {text}");
        Assert.StartsWith("application/x-ndjson", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    /// <summary>Events become searchable at the next flush (every 500 ms): asks again until <paramref name="done"/> or 3 s.</summary>
    public async Task<List<JsonElement>> QueryUntilAsync(string q, Func<List<JsonElement>, bool> done, string? extra = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var rows = await QueryAsync(q, extra);
            if (done(rows) || clock.Elapsed > TimeSpan.FromSeconds(3))
            {
                return rows;
            }
            await Task.Delay(50);
        }
    }

    public async Task<string> MetricsAsync() => await Client.GetStringAsync("/metrics");

    /// <summary>The value of a sample line <c>name{labels} value</c> or <c>name value</c>.</summary>
    public static double Sample(string metrics, string nameWithLabels)
    {
        var line = metrics.Split('\n').SingleOrDefault(l => l.StartsWith(nameWithLabels + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no sample {nameWithLabels} in:\n{metrics}");
        return double.Parse(line![(nameWithLabels.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }
        return output.ToArray();
    }
}
