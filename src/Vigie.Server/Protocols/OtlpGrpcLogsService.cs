using Grpc.Core;
using Vigie.Core;
using Vigie.Ingestion.Otlp;
using Vigie.Ingestion.Otlp.Proto;
using Vigie.Ingestion.Protocols;
using Vigie.Ingestion.Service;
using Vigie.Server.Protocols.Grpc;
using Vigie.Storage;

namespace Vigie.Server.Protocols;

/// <summary>OTLP logs over gRPC: answers <c>Export</c> once the records are durable; UNAVAILABLE when storage is full (the exporter retries).</summary>
internal sealed class OtlpGrpcLogsService(IngestionService ingestion, ServerOptions options) : LogsService.LogsServiceBase
{
    public const string Listener = "otlp-grpc";

    private readonly StreamFields _streams = StreamFields.Parse(options.Listeners.OtlpGrpc.Streams ?? Endpoints.Protocols.OtlpHttpEndpoints.DefaultStreams);

    public override async Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var counters = ingestion.Metrics.For(Listener);
        Interlocked.Increment(ref counters.Connections);
        Interlocked.Add(ref counters.Bytes, request.CalculateSize());
        var batch = new EventBatch();
        var report = new DecodeReport();
        OtlpLogsDecoder.Map(request, batch, _streams, Timestamps.Now(), report);
        try
        {
            await ingestion.StoreAsync(batch, Listener, context.CancellationToken).ConfigureAwait(false);
        }
        catch (StorageFullException e)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, e.Message));
        }
        return new ExportLogsServiceResponse();
    }
}
