using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Vigie.Storage.Idempotency;

namespace Vigie.Storage.Wal;

/// <summary>
/// The idempotency key in front of the batch in a version-2 WAL record. Being inside the record (and
/// its CRC), the key is durable exactly when the request's events are.
/// </summary>
/// <remarks>Layout: key length u16 (0: no key); when non-zero, the key's UTF-8 bytes and the stored time (Unix ms, i64).</remarks>
internal static class WalKeyCodec
{
    /// <summary>Keys are short opaque tokens; the server refuses longer ones before they get here.</summary>
    public const int MaxKeyBytes = 1024;

    public static void Write(StoredKey? key, ArrayBufferWriter<byte> output)
    {
        if (key is not { } k)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(output.GetSpan(2), 0);
            output.Advance(2);
            return;
        }
        var length = Encoding.UTF8.GetByteCount(k.Key);
        if (length is 0 or > MaxKeyBytes)
        {
            throw new ArgumentException($"an idempotency key must be 1 to {MaxKeyBytes} bytes long", nameof(key));
        }
        var span = output.GetSpan(2 + length + 8);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)length);
        Encoding.UTF8.GetBytes(k.Key, span[2..]);
        BinaryPrimitives.WriteInt64LittleEndian(span[(2 + length)..], k.StoredUnixMs);
        output.Advance(2 + length + 8);
    }

    /// <summary>Reads the key prefix; returns the bytes it took. Throws <see cref="InvalidDataException"/> when malformed.</summary>
    public static int Read(ReadOnlySpan<byte> payload, out StoredKey? key)
    {
        key = null;
        if (payload.Length < 2)
        {
            throw new InvalidDataException("record ends inside its key prefix");
        }
        var length = BinaryPrimitives.ReadUInt16LittleEndian(payload);
        if (length == 0)
        {
            return 2;
        }
        if (length > MaxKeyBytes || payload.Length < 2 + length + 8)
        {
            throw new InvalidDataException("record ends inside its idempotency key");
        }
        key = new StoredKey(Encoding.UTF8.GetString(payload.Slice(2, length)), BinaryPrimitives.ReadInt64LittleEndian(payload[(2 + length)..]));
        return 2 + length + 8;
    }
}
