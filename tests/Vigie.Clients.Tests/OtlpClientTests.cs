using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Vigie.Clients.Tests;

/// <summary>The OpenTelemetry .NET SDK's OTLP exporter, over HTTP/protobuf and gRPC.</summary>
public sealed class OtlpClientTests : IAsyncLifetime
{
    private ClientServer _server = null!;

    public async Task InitializeAsync() => _server = await ClientServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task OtlpExporter_Logs_AreStoredWithServiceLevelAttributesAndTrace(string transport)
    {
        var run = Guid.NewGuid().ToString("N");
        using (var factory = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Trace)
            .AddOpenTelemetry(o =>
            {
                o.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("checkout-" + transport).AddAttributes([new("host.name", "web-7")]));
                o.IncludeFormattedMessage = true;
                o.AddOtlpExporter((exporter, processor) =>
                {
                    exporter.Protocol = transport == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                    exporter.Endpoint = new Uri(transport == "grpc" ? _server.GrpcUrl : _server.BaseUrl + "/v1/logs");
                    processor.ExportProcessorType = OpenTelemetry.ExportProcessorType.Simple;
                });
            })))
        {
            var logger = factory.CreateLogger("Shop.Checkout");
            using var activity = new System.Diagnostics.Activity("pay").Start();
            logger.LogInformation("order {OrderId} paid by {Run}", 42, run);
            logger.LogWarning("stock low for {Sku} in {Run}", "A-1", run);
            logger.LogError("payment refused in {Run}", run);
        }

        var rows = await _server.QueryUntilAsync($"Run:{run}", 3);

        Assert.Equal(3, rows.Count);
        Assert.Equal([$"order 42 paid by {run}", $"payment refused in {run}", $"stock low for A-1 in {run}"], rows.Messages());
        Assert.All(rows, r => Assert.Equal("checkout-" + transport, r.Text("service")));
        Assert.All(rows, r => Assert.Equal("web-7", r.Text("host")));
        var paid = rows.Single(r => r.Text("_msg").StartsWith("order", StringComparison.Ordinal));
        Assert.Equal("info", paid.Text("level"));
        Assert.Equal("42", paid.Text("OrderId"));
        Assert.Equal(32, paid.Text("trace_id").Length);
        Assert.Equal("warning", rows.Single(r => r.Text("_msg").StartsWith("stock", StringComparison.Ordinal)).Text("level"));
        Assert.Equal("error", rows.Single(r => r.Text("_msg").StartsWith("payment", StringComparison.Ordinal)).Text("level"));
        Assert.Contains("service=\"checkout-" + transport + "\"", paid.Text("_stream"), StringComparison.Ordinal);
        var metrics = await _server.MetricsAsync();
        Assert.Contains($"listener=\"otlp-{transport}\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtlpGrpc_DamagedRequest_InvalidArgumentNamingTheByteAndCounted()
    {
        // Raw bytes over a real gRPC channel: a record whose body string is cut short.
        var method = new Grpc.Core.Method<byte[], byte[]>(
            Grpc.Core.MethodType.Unary, "opentelemetry.proto.collector.logs.v1.LogsService", "Export",
            Grpc.Core.Marshallers.Create(b => b, b => b), Grpc.Core.Marshallers.Create(b => b, b => b));
        byte[] damaged = [0x0A, 0x0A, 0x12, 0x08, 0x12, 0x06, 0x2A, 0x04, 0x0A, 0x09, (byte)'c', (byte)'u'];
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(_server.GrpcUrl);

        var refusal = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await channel.CreateCallInvoker().AsyncUnaryCall(method, null, new Grpc.Core.CallOptions(), damaged));

        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, refusal.StatusCode);
        Assert.StartsWith("invalid OTLP protobuf at byte 10: ", refusal.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("vigie_listener_events_total{listener=\"otlp-grpc\",result=\"rejected\"} 1", await _server.MetricsAsync(), StringComparison.Ordinal);
    }
}
