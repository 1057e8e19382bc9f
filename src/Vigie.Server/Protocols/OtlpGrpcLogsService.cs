using Grpc.Core;
using Vigie.Core;
using Vigie.Ingestion.Otlp;
using Vigie.Ingestion.Otlp.Proto;
using Vigie.Ingestion.Protocols;
using Vigie.Ingestion.Service;
using Vigie.Storage;

namespace Vigie.Server.Protocols;

/// <summary>
/// OTLP logs over gRPC: answers <c>Export</c> once the records are durable; UNAVAILABLE when storage
/// is full (the exporter retries), INVALID_ARGUMENT with the reason when the request is not OTLP.
/// The request reaches the wire decoder of OTLP/HTTP as bytes (see <see cref="OtlpGrpcLogsServiceBase"/>).
/// </summary>
internal sealed class OtlpGrpcLogsService(IngestionService ingestion, ServerOptions options) : OtlpGrpcLogsServiceBase
{
    public const string Listener = "otlp-grpc";

    private readonly StreamFields _streams = StreamFields.Parse(options.Listeners.OtlpGrpc.Streams ?? Endpoints.Protocols.OtlpHttpEndpoints.DefaultStreams);

    public override async Task<ExportLogsServiceResponse> Export(OtlpGrpcRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        using (request)
        {
            var counters = ingestion.Metrics.For(Listener);
            Interlocked.Increment(ref counters.Connections);
            Interlocked.Add(ref counters.Bytes, request.Length);
            var batch = Endpoints.Protocols.ProtocolIngest.NewBatch(request.Length * 2);
            var report = new DecodeReport();
            try
            {
                OtlpLogsDecoder.Decode(request.Memory, json: false, batch, _streams, Timestamps.Now(), report);
            }
            catch (MalformedBodyException e)
            {
                ingestion.Reject(Listener, 1, e.Message);
                throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
            }
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
}
