using System.Buffers.Binary;

namespace Vigie.Ingestion.Gelf;

/// <summary>
/// Puts chunked GELF datagrams back together: <c>0x1e 0x0f</c>, an 8-byte message id, the chunk's
/// number and the count (1..128). A message whose chunks do not all arrive within the timeout is
/// dropped; memory held by incomplete messages is bounded, the oldest giving way first.
/// </summary>
/// <remarks>Used from one receive loop: not thread-safe.</remarks>
public sealed class GelfChunkAssembler(TimeSpan timeout, long maxPendingBytes, TimeProvider? time = null)
{
    public const int MaxChunks = 128;
    private const int HeaderBytes = 12;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<ulong, Pending> _pending = [];
    private readonly LinkedList<ulong> _order = new();
    private long _pendingBytes;

    /// <summary>Messages given up (timed out or evicted) since the last call.</summary>
    public int TakeExpired()
    {
        var n = _expired;
        _expired = 0;
        return n;
    }

    private int _expired;

    public int PendingMessages => _pending.Count;

    public long PendingBytes => _pendingBytes;

    public static bool IsChunk(ReadOnlySpan<byte> datagram) => datagram.Length >= 2 && datagram[0] == 0x1e && datagram[1] == 0x0f;

    /// <summary>
    /// Files one chunk; returns the whole payload when it was the last one missing, else null.
    /// </summary>
    /// <exception cref="FormatException">A malformed chunk header.</exception>
    public byte[]? Add(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < HeaderBytes)
        {
            throw new FormatException("GELF chunk shorter than its 12-byte header");
        }
        var id = BinaryPrimitives.ReadUInt64BigEndian(datagram[2..]);
        int number = datagram[10], count = datagram[11];
        if (count is 0 or > MaxChunks || number >= count)
        {
            throw new FormatException($"GELF chunk {number} of {count}: the count must be 1..{MaxChunks} and the number below it");
        }
        var data = datagram[HeaderBytes..];
        Expire();
        if (count == 1)
        {
            return data.ToArray();
        }
        if (!_pending.TryGetValue(id, out var pending))
        {
            pending = new Pending(new byte[count][], _time.GetTimestamp(), _order.AddLast(id));
            _pending.Add(id, pending);
        }
        else if (pending.Chunks.Length != count)
        {
            throw new FormatException($"GELF chunk count {count} differs from the {pending.Chunks.Length} of earlier chunks of the message");
        }
        if (pending.Chunks[number] is not null)
        {
            return null; // a duplicate
        }
        pending.Chunks[number] = data.ToArray();
        pending.Received++;
        pending.Bytes += data.Length;
        _pendingBytes += data.Length;
        if (pending.Received == count)
        {
            Remove(id, pending);
            var whole = new byte[pending.Bytes];
            var offset = 0;
            foreach (var chunk in pending.Chunks)
            {
                chunk!.CopyTo(whole, offset);
                offset += chunk!.Length;
            }
            return whole;
        }
        while (_pendingBytes > maxPendingBytes && _order.First is { } oldest)
        {
            Remove(oldest.Value, _pending[oldest.Value]);
            _expired++;
        }
        return null;
    }

    /// <summary>Drops the messages older than the timeout.</summary>
    public void Expire()
    {
        while (_order.First is { } oldest && _time.GetElapsedTime(_pending[oldest.Value].Started) > timeout)
        {
            Remove(oldest.Value, _pending[oldest.Value]);
            _expired++;
        }
    }

    private void Remove(ulong id, Pending pending)
    {
        _pending.Remove(id);
        _order.Remove(pending.Node);
        _pendingBytes -= pending.Bytes;
    }

    private sealed class Pending(byte[]?[] chunks, long started, LinkedListNode<ulong> node)
    {
        public byte[]?[] Chunks { get; } = chunks;

        public long Started { get; } = started;

        public LinkedListNode<ulong> Node { get; } = node;

        public int Received { get; set; }

        public long Bytes { get; set; }
    }
}
