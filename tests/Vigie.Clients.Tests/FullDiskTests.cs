using System.Net;
using System.Text;

namespace Vigie.Clients.Tests;

/// <summary>
/// With the data directory on a full tmpfs, every HTTP protocol answers 503 with Retry-After (so that
/// shippers keep their events and retry) and the listener stays up. Mounting needs root, as in CI.
/// </summary>
public sealed class FullDiskTests : IAsyncLifetime
{
    private TmpfsMount? _tmpfs;

    private string Mount => _tmpfs!.Path;

    public async Task InitializeAsync() => _tmpfs = await TmpfsMount.CreateAsync("vigie-clients-full-", "8m");

    public async Task DisposeAsync()
    {
        if (_tmpfs is not null)
        {
            await _tmpfs.DisposeAsync();
        }
    }

    [Fact]
    public async Task DiskFull_EveryHttpProtocolAnswers503WithRetryAfter()
    {
        await using var server = await ClientServer.StartAsync(Path.Combine(Mount, "data"));
        // Fill every byte left, after the store opened: no flush can free WAL space (there is nothing
        // to flush), so each request below is refused on its first try, whatever the timing.
        FillTheDisk();
        var padding = new string('x', 150);
        string Repeat(string item, string separator) => string.Join(separator, Enumerable.Range(0, 200).Select(_ => item));
        var message = "filling the disk " + padding;

        var bulk = Repeat("{\"index\":{\"_index\":\"fill\"}}\n{\"message\":\"" + message + "\"}", "\n") + "\n";
        using (var refused = await server.Client.PostAsync("/_bulk", new StringContent(bulk, Encoding.UTF8, "application/x-ndjson")))
        {
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"/_bulk: {(int)refused.StatusCode} {await refused.Content.ReadAsStringAsync()}");
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal("Elasticsearch", refused.Headers.GetValues("X-Elastic-Product").Single());
            Assert.Contains("es_rejected_execution_exception", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var others = new (string Path, string Type, string Body)[]
        {
            ("/api/v1/ingest", "application/x-ndjson", Repeat("{\"_msg\":\"" + message + "\"}", "\n")),
            ("/v1/logs", "application/json", "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[" + Repeat("{\"body\":{\"stringValue\":\"" + message + "\"}}", ",") + "]}]}]}"),
            ("/loki/api/v1/push", "application/json", "{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[" + Repeat("[\"1764064801000000000\",\"" + message + "\"]", ",") + "]}]}"),
            ("/ingest/clef", "application/vnd.serilog.clef", Repeat("{\"@m\":\"" + message + "\"}", "\n")),
            ("/upload", "application/vnd.fdo.journal", Repeat("MESSAGE=" + message + "\n", "\n")),
        };
        foreach (var (path, type, body) in others)
        {
            using var response = await server.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, type));
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.NotNull(response.Headers.RetryAfter);
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
        var refusal = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await client.ExportAsync(export));
        Assert.True(refusal.StatusCode == Grpc.Core.StatusCode.Unavailable, $"OTLP/gRPC: {refusal.Status}");
    }

    /// <summary>Writes a file until the file system has no byte left.</summary>
    private void FillTheDisk()
    {
        using var filler = new FileStream(Path.Combine(Mount, "filler"), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var chunk = new byte[64 * 1024];
        var size = chunk.Length;
        while (size > 0)
        {
            try
            {
                filler.Write(chunk, 0, size);
            }
            catch (IOException)
            {
                // Full at this size: try smaller writes until not even one byte fits.
                size /= 2;
            }
        }
    }
}
