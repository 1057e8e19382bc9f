using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Vigie.Ingestion.Otlp.Proto;

namespace Vigie.Bench;

/// <summary>
/// <c>vigie-bench protocols --url URL</c>: events per second a running server takes over OTLP/HTTP
/// (protobuf) and the Elasticsearch bulk API, from concurrent senders of fixed-size requests.
/// </summary>
internal static class ProtocolBench
{
    public const string Usage = """
        usage: vigie-bench protocols --url http://127.0.0.1:9880 [options]

        Measures events/s of OTLP/HTTP (protobuf) and Elasticsearch bulk against a running vigie serve.

          --url URL          the server (required)
          --seconds N        duration of each protocol's run (default 10)
          --connections N    requests in flight (default 4)
          --batch N          events per request (default 2000)
          --pid PID          the server's process id: also report its CPU time per event
          --only NAME        one protocol: otlp or bulk
        """;

    private static readonly string[] Services = ["checkout", "payments", "search", "auth", "web"];
    private static readonly string[] Hosts = ["web-1", "web-2", "db-1", "cache-1"];
    private static readonly string[] Paths = ["/", "/api/orders", "/api/cart", "/login", "/static/app.js", "/health"];

    public static async Task<int> RunAsync(string[] args)
    {
        string? url = null;
        string? only = null;
        int seconds = 10, connections = 4, batch = 2000, pid = 0;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--url": url = Next().TrimEnd('/'); break;
                case "--seconds": seconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--connections": connections = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--pid": pid = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--only": only = Next(); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (url is null)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
        var otlp = Enumerable.Range(0, 16).Select(s => OtlpBody(batch, s)).ToArray();
        var bulk = Enumerable.Range(0, 16).Select(s => BulkBody(batch, s)).ToArray();
        Console.WriteLine($"{connections} connections, {batch} events per request, {seconds} s per protocol");
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        if (only is null or "otlp")
        {
            var (rate, cpu) = await MeasureAsync(client, "/v1/logs", "application/x-protobuf", otlp, batch, connections, seconds, pid);
            Console.WriteLine($"OTLP/HTTP protobuf: {rate:N0} events/s (body {otlp[0].Length / batch} B/event){cpu}");
        }
        if (only is null or "bulk")
        {
            var (rate, cpu) = await MeasureAsync(client, "/_bulk", "application/x-ndjson", bulk, batch, connections, seconds, pid);
            Console.WriteLine($"Elasticsearch bulk: {rate:N0} events/s (body {bulk[0].Length / batch} B/event){cpu}");
        }
        return 0;
    }

    private static async Task<(double Rate, string Cpu)> MeasureAsync(HttpClient client, string path, string contentType, byte[][] bodies, int batch, int connections, int seconds, int pid)
    {
        // One warm-up request per body shape, so that JIT and first allocations stay out of the timing.
        await SendAsync(client, path, contentType, bodies[0]);
        long events = 0;
        var cpu0 = ProcessCpu(pid);
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        var senders = Enumerable.Range(0, connections).Select(async c =>
        {
            var n = c;
            while (clock.Elapsed < until)
            {
                await SendAsync(client, path, contentType, bodies[n++ % bodies.Length]);
                Interlocked.Add(ref events, batch);
            }
        });
        await Task.WhenAll(senders);
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpu = pid > 0 ? string.Create(CultureInfo.InvariantCulture, $", server CPU {(ProcessCpu(pid) - cpu0) * 1e9 / events:N0} ns/event") : "";
        return (events / elapsed, cpu);
    }

    /// <summary>User and system CPU seconds of a process, from <c>/proc/PID/stat</c> (0 without a pid).</summary>
    private static double ProcessCpu(int pid)
    {
        if (pid <= 0)
        {
            return 0;
        }
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command (which may hold spaces) start after its closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0;
    }

    private static async Task SendAsync(HttpClient client, string path, string contentType, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await client.PostAsync(path, content);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    internal static byte[] OtlpBody(int count, int seed)
    {
        var random = new Random(seed);
        var request = new ExportLogsServiceRequest();
        foreach (var service in Services)
        {
            var resource = new Resource();
            resource.Attributes.Add(Attr("service.name", service));
            resource.Attributes.Add(Attr("host.name", Hosts[random.Next(Hosts.Length)]));
            var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "bench" } };
            for (var i = 0; i < count / Services.Length; i++)
            {
                var record = new LogRecord
                {
                    TimeUnixNano = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000 + (ulong)i,
                    SeverityNumber = random.Next(10) == 0 ? 17 : 9,
                    Body = new AnyValue { StringValue = $"GET {Paths[random.Next(Paths.Length)]} {200 + random.Next(4) * 100} in {random.Next(900)} ms user={random.Next(100_000)}" },
                    TraceId = ByteString.CopyFrom(Guid.NewGuid().ToByteArray()),
                };
                record.Attributes.Add(Attr("http.route", Paths[random.Next(Paths.Length)]));
                record.Attributes.Add(new KeyValue { Key = "http.status_code", Value = new AnyValue { IntValue = 200 + random.Next(4) * 100 } });
                scope.LogRecords.Add(record);
            }
            var logs = new ResourceLogs { Resource = resource };
            logs.ScopeLogs.Add(scope);
            request.ResourceLogs.Add(logs);
        }
        return request.ToByteArray();
    }

    /// <summary>The same records as <see cref="OtlpBody"/> in OTLP/JSON, compact and with hex ids, as the SDKs write it.</summary>
    internal static byte[] OtlpJsonBody(int count, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(count * 300);
        text.Append("{\"resourceLogs\":[");
        for (var s = 0; s < Services.Length; s++)
        {
            text.Append(s > 0 ? "," : "")
                .Append(CultureInfo.InvariantCulture, $"{{\"resource\":{{\"attributes\":[{{\"key\":\"service.name\",\"value\":{{\"stringValue\":\"{Services[s]}\"}}}},{{\"key\":\"host.name\",\"value\":{{\"stringValue\":\"{Hosts[random.Next(Hosts.Length)]}\"}}}}]}},")
                .Append("\"scopeLogs\":[{\"scope\":{\"name\":\"bench\"},\"logRecords\":[");
            for (var i = 0; i < count / Services.Length; i++)
            {
                var time = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000 + (ulong)i;
                text.Append(i > 0 ? "," : "")
                    .Append(CultureInfo.InvariantCulture, $"{{\"timeUnixNano\":\"{time}\",\"severityNumber\":{(random.Next(10) == 0 ? 17 : 9)},")
                    .Append(CultureInfo.InvariantCulture, $"\"body\":{{\"stringValue\":\"GET {Paths[random.Next(Paths.Length)]} {200 + random.Next(4) * 100} in {random.Next(900)} ms user={random.Next(100_000)}\"}},")
                    .Append(CultureInfo.InvariantCulture, $"\"traceId\":\"{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())}\",")
                    .Append(CultureInfo.InvariantCulture, $"\"attributes\":[{{\"key\":\"http.route\",\"value\":{{\"stringValue\":\"{Paths[random.Next(Paths.Length)]}\"}}}},{{\"key\":\"http.status_code\",\"value\":{{\"intValue\":\"{200 + random.Next(4) * 100}\"}}}}]}}");
            }
            text.Append("]}]}");
        }
        text.Append("]}");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static KeyValue Attr(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    internal static byte[] BulkBody(int count, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(count * 220);
        for (var i = 0; i < count; i++)
        {
            text.Append("{\"index\":{\"_index\":\"bench\"}}\n");
            text.Append(CultureInfo.InvariantCulture, $"{{\"@timestamp\":\"{DateTime.UtcNow:O}\",\"message\":\"GET {Paths[random.Next(Paths.Length)]} {200 + random.Next(4) * 100} in {random.Next(900)} ms user={random.Next(100_000)}\",\"host\":{{\"name\":\"{Hosts[random.Next(Hosts.Length)]}\"}},\"service\":{{\"name\":\"{Services[random.Next(Services.Length)]}\"}},\"http\":{{\"status\":{200 + random.Next(4) * 100}}}}}\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
