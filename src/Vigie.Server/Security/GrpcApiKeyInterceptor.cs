using Grpc.Core;
using Grpc.Core.Interceptors;
using Vigie.Ingestion.Service;
using Vigie.Server.Protocols;

namespace Vigie.Server.Security;

/// <summary>
/// OTLP over gRPC needs one of the server's API keys as the HTTP endpoints do: exporters send it as
/// <c>authorization: Bearer KEY</c> metadata (<c>OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer KEY</c>).
/// Refused calls end UNAUTHENTICATED, which exporters do not retry.
/// </summary>
internal sealed class GrpcApiKeyInterceptor(ApiKeys apiKeys, IngestionService ingestion) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (!apiKeys.AcceptsRequest(context.GetHttpContext().Request))
        {
            Interlocked.Increment(ref ingestion.Metrics.For(OtlpGrpcLogsService.Listener).Unauthorized);
            throw new RpcException(new Status(StatusCode.Unauthenticated, ApiKeys.PresentsAny(context.GetHttpContext().Request)
                ? "the API key is not valid"
                : "this server requires an API key: send it as authorization: Bearer <key> metadata"));
        }
        return continuation(request, context);
    }
}
