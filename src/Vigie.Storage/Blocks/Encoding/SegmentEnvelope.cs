using System.Buffers;
using Vigie.Storage.Parts;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Wraps a segment payload in its codec byte, compressing with zstd when that pays, and unwraps it.
/// </summary>
/// <remarks>
/// Zstd contexts are large, so they are reused rather than created per block: the system
/// libzstd's are lent for one call by <see cref="ZstdContextPool"/> (a call never shares one); the
/// managed port's, a fallback, are kept per thread.
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
            output.WriteByte((byte)PartFormat.SegmentCodec.Zstd);
            output.WriteVarint((ulong)payload.Length);
            // Zstd cannot shrink what is worth storing below the payload plus its codec byte: compress
            // into at most that, and store uncompressed if it does not fit.
            var limit = payload.Length + 1 - (output.Length - start);
            var written = NativeZstd.IsAvailable ? CompressNative(payload, output, limit - 1, level) : CompressManaged(payload, output, level);
            if (written > 0 && written <= limit - 1)
            {
                output.Advance(written);
                return;
            }
            output.Truncate(start);
        }
        output.WriteByte((byte)PartFormat.SegmentCodec.None);
        output.Write(payload);
    }

    /// <summary>Appends <paramref name="payload"/> stored uncompressed (codec None), for bytes zstd would not shrink.</summary>
    public static void WrapUncompressed(ReadOnlySpan<byte> payload, ByteBuffer output)
    {
        if (payload.IsEmpty)
        {
            return;
        }
        output.WriteByte((byte)PartFormat.SegmentCodec.None);
        output.Write(payload);
    }

    private static int CompressNative(ReadOnlySpan<byte> payload, ByteBuffer output, int capacity, int level)
    {
        var context = ZstdContextPool.RentCompressor();
        try
        {
            // With the room of the bound ZSTD_compress2 writes straight into it, with less through a buffer
            // of its own: the bound when the output already has it free (the column encoder's reused
            // buffers), else only the room that pays, rather than growing the output for it. A frame
            // longer than the room that pays is not kept; with only that room zstd reports it as an error.
            var room = output.GetSpan(capacity);
            var bound = NativeZstd.CompressBound(payload.Length);
            var written = NativeZstd.Compress(context, payload, room.Length >= bound ? room[..bound] : room[..capacity], level);
            return written <= capacity ? written : -1;
        }
        finally
        {
            ZstdContextPool.Return(context);
        }
    }

    private static int CompressManaged(ReadOnlySpan<byte> payload, ByteBuffer output, int level)
    {
        var compressor = t_compressor ??= new Compressor(level);
        if (compressor.Level != level)
        {
            compressor.Level = level;
        }
        // The native library's parameters, so that either writes the same kind of frames.
        compressor.SetParameter(ZSTD_cParameter.ZSTD_c_hashLog, ZstdFastParameters.HashLogFor(level));
        compressor.SetParameter(ZSTD_cParameter.ZSTD_c_minMatch, ZstdFastParameters.MinMatchFor(level));
        var bound = Compressor.GetCompressBound(payload.Length);
        return compressor.Wrap(payload, output.GetSpan(bound)[..bound]);
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
                        int written;
                        if (NativeZstd.IsAvailable)
                        {
                            var context = ZstdContextPool.RentDecompressor();
                            try
                            {
                                written = NativeZstd.Decompress(context, frame, output.AsSpan(0, length));
                            }
                            finally
                            {
                                ZstdContextPool.Return(context);
                            }
                        }
                        else if (!(t_decompressor ??= new Decompressor()).TryUnwrap(frame, output.AsSpan(0, length), out written))
                        {
                            written = -1;
                        }
                        if (written != length)
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
