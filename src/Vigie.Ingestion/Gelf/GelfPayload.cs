using System.Buffers;
using System.IO.Compression;

namespace Vigie.Ingestion.Gelf;

/// <summary>
/// A GELF payload is gzip (Docker), zlib (most libraries) or plain JSON, told apart by its first bytes.
/// Decompression stops at a limit, so that a small zip bomb cannot take the server's memory.
/// </summary>
public static class GelfPayload
{
    /// <summary>
    /// Returns the JSON of <paramref name="payload"/>: itself when plain, else decompressed into a rented
    /// buffer returned through <paramref name="rented"/> (give it back to <see cref="ArrayPool{T}.Shared"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">Bad compressed data, or more than <paramref name="maxBytes"/> once decompressed.</exception>
    public static ReadOnlySpan<byte> Decode(ArraySegment<byte> payload, int maxBytes, out byte[]? rented)
    {
        rented = null;
        if (payload.Count >= 2 && payload[0] == 0x1f && payload[1] == 0x8b)
        {
            return Inflate(payload, maxBytes, s => new CorruptInputStream(new GZipStream(s, CompressionMode.Decompress), "gzip"), out rented);
        }
        if (payload.Count >= 2 && payload[0] == 0x78 && ((payload[0] << 8) | payload[1]) % 31 == 0)
        {
            return Inflate(payload, maxBytes, s => new CorruptInputStream(new ZLibStream(s, CompressionMode.Decompress), "zlib"), out rented);
        }
        return payload.AsSpan();
    }

    private static ReadOnlySpan<byte> Inflate(ArraySegment<byte> payload, int maxBytes, Func<Stream, Stream> open, out byte[]? rented)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, Math.Max(4096, payload.Count * 4)));
        var length = 0;
        try
        {
            using var input = new MemoryStream(payload.Array!, payload.Offset, payload.Count, writable: false);
            using var inflater = open(input);
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length > maxBytes)
                    {
                        throw new InvalidDataException($"more than {maxBytes} bytes once decompressed");
                    }
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var n = inflater.Read(buffer, length, buffer.Length - length);
                if (n == 0)
                {
                    break;
                }
                length += n;
                if (length > maxBytes)
                {
                    throw new InvalidDataException($"more than {maxBytes} bytes once decompressed");
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        rented = buffer;
        return buffer.AsSpan(0, length);
    }
}
