using System.Buffers.Binary;
using System.Text;
using Vigie.Agent.Collection;

namespace Vigie.Agent.Delivery;

/// <summary>Reads and writes the positions carried by a record or the checkpoint (see <see cref="BufferFormat"/>).</summary>
internal static class PositionCodec
{
    /// <summary>Writes one entry; a null position says the source was forgotten.</summary>
    public static void Write(PooledBuffer output, string key, SourcePosition? position)
    {
        var keyBytes = Encoding.UTF8.GetByteCount(key);
        if (keyBytes > ushort.MaxValue)
        {
            throw new ArgumentException($"source key longer than {ushort.MaxValue} bytes", nameof(key));
        }
        var cursorBytes = position?.Cursor is { } cursor ? Encoding.UTF8.GetByteCount(cursor) : -1;
        var span = output.GetSpan(3 + keyBytes + 20 + Math.Max(cursorBytes, 0));
        span[0] = position is null ? BufferFormat.PositionForget : BufferFormat.PositionSet;
        BinaryPrimitives.WriteUInt16LittleEndian(span[1..], (ushort)keyBytes);
        var at = 3 + Encoding.UTF8.GetBytes(key, span[3..]);
        if (position is { } p)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], p.Offset);
            BinaryPrimitives.WriteInt64LittleEndian(span[(at + 8)..], p.Count);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 16)..], cursorBytes);
            at += 20;
            if (p.Cursor is { } c)
            {
                at += Encoding.UTF8.GetBytes(c, span[at..]);
            }
        }
        output.Advance(at);
    }

    /// <summary>Reads <paramref name="count"/> entries; false when they do not fit in <paramref name="data"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, int count, Action<string, SourcePosition?> apply, out int consumed)
    {
        var at = 0;
        consumed = 0;
        for (var i = 0; i < count; i++)
        {
            if (data.Length - at < 3)
            {
                return false;
            }
            var kind = data[at];
            var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(data[(at + 1)..]);
            at += 3;
            if (data.Length - at < keyLength || kind is not (BufferFormat.PositionSet or BufferFormat.PositionForget))
            {
                return false;
            }
            var key = Encoding.UTF8.GetString(data.Slice(at, keyLength));
            at += keyLength;
            if (kind == BufferFormat.PositionForget)
            {
                apply(key, null);
                continue;
            }
            if (data.Length - at < 20)
            {
                return false;
            }
            var offset = BinaryPrimitives.ReadInt64LittleEndian(data[at..]);
            var positionCount = BinaryPrimitives.ReadInt64LittleEndian(data[(at + 8)..]);
            var cursorLength = BinaryPrimitives.ReadInt32LittleEndian(data[(at + 16)..]);
            at += 20;
            string? cursor = null;
            if (cursorLength >= 0)
            {
                if (data.Length - at < cursorLength)
                {
                    return false;
                }
                cursor = Encoding.UTF8.GetString(data.Slice(at, cursorLength));
                at += cursorLength;
            }
            else if (cursorLength != -1)
            {
                return false;
            }
            apply(key, new SourcePosition(offset, positionCount, cursor));
        }
        consumed = at;
        return true;
    }
}
