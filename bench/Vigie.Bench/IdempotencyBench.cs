using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;

namespace Vigie.Bench;

/// <summary>
/// <c>vigie-bench idempotency --url URL</c>: events per second of <c>POST /api/v1/ingest</c> with gzip'd
/// NDJSON batches of about 1 MiB (what <c>vigie agent</c> sends), without and with an
/// <c>Idempotency-Key</c>, and the rate of answering retries as duplicates.
/// </summary>
internal static class IdempotencyBench
{
    public const string Usage = """
        usage: vigie-bench idempotency --url http://127.0.0.1:9880 [--seconds N] [--connections N]

        Measures the native ingest API with agent-sized batches: without a key, with a fresh
        Idempotency-Key per request, and retries of already stored keys (answered duplicate).
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        string? url = null;
        int seconds = 10, connections = 4;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--url": url = Next().TrimEnd('/'); break;
                case "--seconds": seconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--connections": connections = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (url is null)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
        var (body, events, rawBytes) = Body();
        var run = Guid.NewGuid().ToString("N")[..8];
        Console.WriteLine($"{connections} connections, {events} events per request ({rawBytes / 1024} KiB NDJSON, {body.Length / 1024} KiB gzip), {seconds} s each");
        var plain = await MeasureAsync(client, body, events, connections, seconds, _ => null);
        Console.WriteLine($"without a key:          {plain.Rate:N0} events/s ({plain.Requests} requests)");
        var keyed = await MeasureAsync(client, body, events, connections, seconds, n => $"bench-{run}-{n}");
        Console.WriteLine($"with a fresh key:       {keyed.Rate:N0} events/s ({keyed.Requests} requests)");
        var retries = await MeasureAsync(client, body, events, connections, seconds, n => $"bench-{run}-{n % Math.Max(1, keyed.Requests)}");
        Console.WriteLine($"retries (duplicates):   {retries.Requests / (double)seconds:N0} requests/s, nothing stored");
        return 0;
    }

    private static async Task<(double Rate, long Requests)> MeasureAsync(HttpClient client, byte[] body, int events, int connections, int seconds, Func<long, string?> key)
    {
        await SendAsync(client, body, null);
        long requests = 0;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            while (clock.Elapsed < until)
            {
                await SendAsync(client, body, key(Interlocked.Increment(ref requests) - 1));
            }
        }));
        return (requests * events / clock.Elapsed.TotalSeconds, requests);
    }

    private static async Task SendAsync(HttpClient client, byte[] body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest?stream=container,file,host,unit") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        request.Content.Headers.ContentEncoding.Add("gzip");
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        using var response = await client.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>About 1 MiB of container log lines, as the agent batches them.</summary>
    private static (byte[] Gzip, int Events, int RawBytes) Body()
    {
        var random = new Random(7);
        var text = new StringBuilder();
        var events = 0;
        while (text.Length < 1024 * 1024)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{{\"_time\":\"{DateTime.UtcNow:O}\",\"_msg\":\"GET /api/orders/{random.Next(100_000)} {200 + random.Next(4) * 100} in {random.Next(900)} ms\",\"host\":\"docker-1\",\"container\":\"shop-web-{random.Next(4)}\",\"image\":\"shop/web:1.4\",\"project\":\"shop\",\"service\":\"web\",\"stream\":\"stdout\"}}\n");
            events++;
        }
        var raw = Encoding.UTF8.GetBytes(text.ToString());
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(raw);
        }
        return (output.ToArray(), events, raw.Length);
    }
}
