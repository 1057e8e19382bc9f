using System.Buffers;
using Vigie.Storage.Parts;
using ZstdSharp;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Wraps a segment payload in its codec byte, compressing with zstd when that pays, and unwraps it.
/// </summary>
/// <remarks>
/// Zstd contexts are large, so each thread keeps one compressor and one decompressor for its
/// lifetime instead of creating them per block; the part writer and concurrent query workers
/// therefore never share one.
/// </remarks>
internal static class SegmentEnvelope
{
    [ThreadStatic]
    private static Compressor? t_compressor;

    [ThreadStatic]
    private static Decompressor? t_decompressor;

    /// <summary>Appends the stored form of <paramref name="payload"/> to <paramref name="output"/>; an empty payload stays empty.</summary>
    public static void Wrap(ReadOnlySpan<byte> payload, ByteBuffer output, int level)
    {
        if (payload.IsEmpty)
        {
            return;
        }
        var start = output.Length;
        if (payload.Length >= PartFormat.MinCompressBytes)
        {
            var compressor = t_compressor ??= new Compressor(level);
            if (compressor.Level != level)
            {
                compressor.Level = level;
            }
            output.WriteByte((byte)PartFormat.SegmentCodec.Zstd);
            output.WriteVarint((ulong)payload.Length);
            var bound = Compressor.GetCompressBound(payload.Length);
            var written = compressor.Wrap(payload, output.GetSpan(bound)[..bound]);
            output.Advance(written);
            if (output.Length - start < payload.Length + 1)
            {
                return;
            }
            output.Truncate(start);
        }
        output.WriteByte((byte)PartFormat.SegmentCodec.None);
        output.Write(payload);
    }

    /// <summary>
    /// The payload of a stored segment, in an array rented from <see cref="ArrayPool{T}.Shared"/> that the
    /// caller returns; <paramref name="length"/> bytes of it are the payload.
    /// </summary>
    public static byte[] Unwrap(ReadOnlySpan<byte> stored, out int length)
    {
        if (stored.IsEmpty)
        {
            length = 0;
            return [];
        }
        var reader = new SpanReader(stored);
        var codec = (PartFormat.SegmentCodec)reader.ReadByte();
        switch (codec)
        {
            case PartFormat.SegmentCodec.None:
                {
                    length = reader.Remaining;
                    var copy = ArrayPool<byte>.Shared.Rent(length);
                    reader.ReadBytes(length).CopyTo(copy);
                    return copy;
                }
            case PartFormat.SegmentCodec.Zstd:
                {
                    length = reader.ReadCount(PartFormat.MaxSegmentBytes);
                    var frame = reader.ReadBytes(reader.Remaining);
                    var output = ArrayPool<byte>.Shared.Rent(length);
                    try
                    {
                        var decompressor = t_decompressor ??= new Decompressor();
                        if (!decompressor.TryUnwrap(frame, output.AsSpan(0, length), out var written) || written != length)
                        {
                            throw new InvalidDataException($"zstd frame does not decode to the {length} bytes announced");
                        }
                        return output;
                    }
                    catch (ZstdException e)
                    {
                        ArrayPool<byte>.Shared.Return(output);
                        throw new InvalidDataException($"zstd frame is damaged: {e.Message}", e);
                    }
                    catch
                    {
                        ArrayPool<byte>.Shared.Return(output);
                        throw;
                    }
                }
            default:
                throw new InvalidDataException($"unknown segment codec {(byte)codec}");
        }
    }

    /// <summary>Returns an array obtained from <see cref="Unwrap"/>.</summary>
    public static void Release(byte[] array)
    {
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
