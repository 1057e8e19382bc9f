using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Vigie.Cli.Tests;

/// <summary>
/// A small real HTTP server that answers like Vigie: ingest accepts every non-blank line except
/// those containing REJECT; query answers what the test set.
/// </summary>
internal sealed class FakeVigie : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _unavailable;

    private FakeVigie(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public ConcurrentQueue<IngestRequest> Ingests { get; } = new();

    public int IngestAttempts;

    public int QueryStatus { get; set; } = 200;

    public string QueryAnswer { get; set; } = "";

    public string? LastQuery { get; private set; }

    /// <summary>How many ingest requests to answer 503 before accepting.</summary>
    public int Unavailable
    {
        set => _unavailable = value;
    }

    public static async Task<FakeVigie> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeVigie(app);
        app.MapPost("/api/v1/ingest", fake.IngestAsync);
        app.MapGet("/api/v1/query", fake.QueryAsync);
        await app.StartAsync();
        fake.Address = new Uri(app.Urls.First());
        return fake;
    }

    /// <summary>A port nothing listens on.</summary>
    public static Uri ClosedAddress()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}");
    }

    private async Task IngestAsync(HttpContext context)
    {
        Interlocked.Increment(ref IngestAttempts);
        if (Interlocked.Decrement(ref _unavailable) >= 0)
        {
            context.Response.StatusCode = 503;
            await context.Response.WriteAsync("""{"error":"busy"}""");
            return;
        }
        var encoding = context.Request.Headers.ContentEncoding.ToString();
        Stream body = encoding == "gzip" ? new GZipStream(context.Request.Body, CompressionMode.Decompress) : context.Request.Body;
        using var reader = new StreamReader(body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        var lines = text.Split('\n');
        if (lines[^1].Length == 0)
        {
            lines = lines[..^1];
        }
        Ingests.Enqueue(new IngestRequest(encoding, context.Request.Query["stream"].ToString(), lines));
        var errors = lines.Select((l, i) => (Line: i + 1, Text: l)).Where(l => l.Text.Contains("REJECT", StringComparison.Ordinal)).ToList();
        var accepted = lines.Count(l => l.Trim().Length > 0) - errors.Count;
        await context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            accepted,
            rejected = errors.Count,
            errors = errors.Select(e => new { line = e.Line, error = "rejected by test" }),
        }));
    }

    private async Task QueryAsync(HttpContext context)
    {
        LastQuery = context.Request.QueryString.Value;
        context.Response.StatusCode = QueryStatus;
        await context.Response.WriteAsync(QueryAnswer);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record IngestRequest(string Encoding, string Stream, string[] Lines);
}
