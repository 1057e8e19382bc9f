using System.Buffers;

namespace Vigie.Server.Endpoints.Protocols;

/// <summary>A request body in a pooled buffer; dispose to give the buffer back.</summary>
internal sealed class RequestBody(byte[] buffer, int length) : IDisposable
{
    private byte[]? _buffer = buffer;

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, length);

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, length);

    public ArraySegment<byte> Segment => new(_buffer ?? throw new ObjectDisposedException(nameof(RequestBody)), 0, length);

    public int Length => length;

    public void Dispose()
    {
        if (_buffer is { } b)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(b);
        }
    }
}
