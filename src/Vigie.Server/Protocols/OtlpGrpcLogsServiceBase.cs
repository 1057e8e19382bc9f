using Google.Protobuf;
using Grpc.Core;
using Vigie.Ingestion.Otlp.Proto;

namespace Vigie.Server.Protocols;

/// <summary>
/// The OTLP <c>LogsService</c> as gRPC knows it, bound by hand rather than generated, so that its
/// <c>Export</c> receives the request as bytes (<see cref="OtlpGrpcRequest"/>) instead of parsed
/// message objects. gRPC finds the handler as an override of <see cref="Export"/>.
/// </summary>
[BindServiceMethod(typeof(OtlpGrpcLogsServiceBase), nameof(BindService))]
internal abstract class OtlpGrpcLogsServiceBase
{
    private static readonly Method<OtlpGrpcRequest, ExportLogsServiceResponse> ExportMethod = new(
        MethodType.Unary,
        "opentelemetry.proto.collector.logs.v1.LogsService",
        "Export",
        Marshallers.Create<OtlpGrpcRequest>((_, _) => throw new NotSupportedException("the server does not send requests"), OtlpGrpcRequest.Read),
        Marshallers.Create<ExportLogsServiceResponse>(
            (response, context) => context.Complete(response.ToByteArray()),
            context => ExportLogsServiceResponse.Parser.ParseFrom(context.PayloadAsNewBuffer())));

    public abstract Task<ExportLogsServiceResponse> Export(OtlpGrpcRequest request, ServerCallContext context);

    public static void BindService(ServiceBinderBase binder, OtlpGrpcLogsServiceBase? service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddMethod(ExportMethod, service is null ? null : new UnaryServerMethod<OtlpGrpcRequest, ExportLogsServiceResponse>(service.Export));
    }
}
