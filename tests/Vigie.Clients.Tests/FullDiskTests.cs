using System.Diagnostics;
using System.Net;
using System.Text;

namespace Vigie.Clients.Tests;

/// <summary>
/// With the data directory on a full tmpfs, every HTTP protocol answers 503 with Retry-After (so that
/// shippers keep their events and retry) and the listener stays up. Mounting needs root, as in CI.
/// </summary>
public sealed class FullDiskTests : IAsyncLifetime
{
    private readonly string _mount = Directory.CreateTempSubdirectory("vigie-clients-full-").FullName;
    private bool _mounted;

    public async Task InitializeAsync()
    {
        var (code, output) = await RunAsync("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", _mount);
        Assert.True(code == 0, $"cannot mount a tmpfs (run the tests as root, as CI does): {output}");
        _mounted = true;
    }

    public async Task DisposeAsync()
    {
        if (_mounted)
        {
            var (code, output) = await RunAsync("umount", _mount);
            Assert.True(code == 0, "umount failed: " + output);
        }
        Directory.Delete(_mount, recursive: true);
    }

    [Fact(Skip = "Intermittent: after the first 503 a small request can still fit in the space left, so a protocol may not be refused within the loop; to be made deterministic")]
    public async Task DiskFull_EveryHttpProtocolAnswers503WithRetryAfter()
    {
        await File.WriteAllBytesAsync(Path.Combine(_mount, "filler"), new byte[3 * 1024 * 1024]);
        await using var server = await ClientServer.StartAsync(Path.Combine(_mount, "data"));
        var padding = new string('x', 150);

        HttpResponseMessage? refused = null;
        for (var request = 0; request < 2000 && refused is null; request++)
        {
            var bulk = new StringBuilder();
            for (var i = 0; i < 200; i++)
            {
                bulk.Append("{\"index\":{\"_index\":\"fill\"}}\n{\"message\":\"filling the disk ").Append(padding).Append("\"}\n");
            }
            var response = await server.Client.PostAsync("/_bulk", new StringContent(bulk.ToString(), Encoding.UTF8, "application/x-ndjson"));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                response.Dispose();
            }
            else
            {
                refused = response;
            }
        }

        Assert.True(refused is not null, "the disk never filled");
        using (refused)
        {
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"/_bulk: {(int)refused.StatusCode} {await refused.Content.ReadAsStringAsync()}");
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal("Elasticsearch", refused.Headers.GetValues("X-Elastic-Product").Single());
            Assert.Contains("es_rejected_execution_exception", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        // Each protocol in turn sends ~40 KB requests until refused: a small request may still fit in
        // what the last refused one left.
        string Repeat(string item, string separator) => string.Join(separator, Enumerable.Range(0, 200).Select(_ => item));
        var message = "filling the disk " + padding;
        var others = new (string Path, string Type, string Body)[]
        {
            ("/v1/logs", "application/json", "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[" + Repeat("{\"body\":{\"stringValue\":\"" + message + "\"}}", ",") + "]}]}]}"),
            ("/loki/api/v1/push", "application/json", "{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[" + Repeat("[\"1764064801000000000\",\"" + message + "\"]", ",") + "]}]}"),
            ("/ingest/clef", "application/vnd.serilog.clef", Repeat("{\"@m\":\"" + message + "\"}", "\n")),
            ("/upload", "application/vnd.fdo.journal", Repeat("MESSAGE=" + message + "\n", "\n")),
        };
        foreach (var (path, type, body) in others)
        {
            var status = HttpStatusCode.OK;
            for (var attempt = 0; attempt < 200 && status != HttpStatusCode.ServiceUnavailable; attempt++)
            {
                using var response = await server.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, type));
                status = response.StatusCode;
                Assert.True(response.IsSuccessStatusCode || status == HttpStatusCode.ServiceUnavailable, $"{path}: {(int)status} {await response.Content.ReadAsStringAsync()}");
                if (status == HttpStatusCode.ServiceUnavailable)
                {
                    Assert.NotNull(response.Headers.RetryAfter);
                }
            }
            Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{path}: never refused in 200 requests");
        }

        // OTLP/gRPC: UNAVAILABLE, the status OTLP exporters retry on.
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(server.GrpcUrl);
        var client = new Vigie.Server.Protocols.Grpc.LogsService.LogsServiceClient(channel);
        var export = new Vigie.Ingestion.Otlp.Proto.ExportLogsServiceRequest();
        var scope = new Vigie.Ingestion.Otlp.Proto.ScopeLogs();
        for (var i = 0; i < 200; i++)
        {
            scope.LogRecords.Add(new Vigie.Ingestion.Otlp.Proto.LogRecord { Body = new Vigie.Ingestion.Otlp.Proto.AnyValue { StringValue = message } });
        }
        var resourceLogs = new Vigie.Ingestion.Otlp.Proto.ResourceLogs();
        resourceLogs.ScopeLogs.Add(scope);
        export.ResourceLogs.Add(resourceLogs);
        Grpc.Core.RpcException? refusal = null;
        for (var attempt = 0; attempt < 200 && refusal is null; attempt++)
        {
            try
            {
                await client.ExportAsync(export);
            }
            catch (Grpc.Core.RpcException e)
            {
                refusal = e;
            }
        }
        Assert.True(refusal is not null, "OTLP/gRPC: never refused in 200 requests");
        Assert.True(refusal.StatusCode == Grpc.Core.StatusCode.Unavailable, $"OTLP/gRPC: {refusal.Status}");
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}
