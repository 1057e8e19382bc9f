using System.Buffers;
using Grpc.Core;

namespace Vigie.Server.Protocols;

/// <summary>
/// The protobuf bytes of an OTLP/gRPC <c>Export</c> request, copied into a pooled buffer by the
/// marshaller so that <see cref="Vigie.Ingestion.Otlp.OtlpLogsDecoder"/> reads them from the wire
/// rather than gRPC parsing them into message objects. Dispose to give the buffer back.
/// </summary>
internal sealed class OtlpGrpcRequest : IDisposable
{
    private byte[]? _buffer;

    private OtlpGrpcRequest(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(OtlpGrpcRequest))).AsMemory(0, Length);

    public static OtlpGrpcRequest Read(DeserializationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var length = context.PayloadLength;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        context.PayloadAsReadOnlySequence().CopyTo(buffer);
        return new OtlpGrpcRequest(buffer, length);
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
