using System.Buffers;

namespace Vigie.Agent.Delivery;

/// <summary>
/// A record read back for sending, in an array rented from the pool: batches are a few hundred
/// kilobytes, and a fresh array per batch would land on the large object heap and stay there until a
/// full collection, growing the agent's memory for nothing.
/// </summary>
internal sealed class RecordBody : IDisposable
{
    private byte[]? _array;

    public RecordBody(int length)
    {
        _array = BufferPool.Bytes.Rent(length);
        Length = length;
    }

    /// <summary>The whole record, header included.</summary>
    public byte[] Array => _array ?? throw new ObjectDisposedException(nameof(RecordBody));

    public int Length { get; }

    /// <summary>Where the gzip'd NDJSON starts in <see cref="Array"/>.</summary>
    public int BodyOffset { get; set; }

    public int BodyLength => Length - BodyOffset;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _array, null) is { } array)
        {
            BufferPool.Bytes.Return(array);
        }
    }
}
