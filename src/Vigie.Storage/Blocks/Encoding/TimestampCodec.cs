using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Block times as delta-of-delta zigzag varints: first time, first delta, then the change of each
/// delta. Regular intervals become runs of zero bytes that zstd then shrinks to almost nothing.
/// </summary>
/// <remarks>Arithmetic wraps (unchecked) on both sides, so any long sequence round-trips exactly.</remarks>
internal static class TimestampCodec
{
    private const int ChunkBytes = 32;

    public static void Encode(ReadOnlySpan<long> times, ByteBuffer payload)
    {
        long prev = 0;
        long prevDelta = 0;
        for (var i = 0; i < times.Length; i++)
        {
            var delta = unchecked(times[i] - prev);
            payload.WriteZigZag(i == 0 ? times[0] : unchecked(delta - prevDelta));
            prevDelta = i == 0 ? 0 : delta;
            prev = times[i];
        }
    }

    /// <summary>Decodes <paramref name="rowCount"/> times from exactly the bytes of <paramref name="payload"/>.</summary>
    public static long[] Decode(ReadOnlySpan<byte> payload, int rowCount)
    {
        var times = new long[rowCount];
        Decode(payload, times);
        return times;
    }

    /// <summary>Decodes <paramref name="times"/>.Length times into a caller's buffer (a pooled one, on hot paths).</summary>
    /// <remarks>
    /// The hot loop of every query that reads times. Reading a varint byte after byte makes each
    /// value's start wait for the previous one's end; here the ends of all varints in 32 bytes are
    /// found at once (the bytes without a continuation bit, one vector compare), so the values'
    /// loads no longer depend on each other: each is read as eight bytes, masked to its length and
    /// its 7-bit groups packed together in three shift-and-mask steps. Values longer than eight
    /// bytes and the payload's last bytes take the byte-by-byte path, which does every check
    /// (truncation, overflow).
    /// </remarks>
    public static void Decode(ReadOnlySpan<byte> payload, Span<long> times)
    {
        var pos = 0;
        var i = 0;
        long prev = 0;
        long prevDelta = 0;
        if (times.Length > 0)
        {
            prev = Varint.UnZigZag(ReadVarint(payload, ref pos));
            times[0] = prev;
            i = 1;
        }
        ref var start = ref MemoryMarshal.GetReference(payload);
        // a chunk's last value may be read as 8 bytes from its last byte on
        var chunkEnd = payload.Length - ChunkBytes - sizeof(ulong);
        if (Vector256.IsHardwareAccelerated)
        {
            while (i < times.Length && pos <= chunkEnd)
            {
                var ends = ~Vector256.ExtractMostSignificantBits(Vector256.LoadUnsafe(ref start, (nuint)pos));
                if (ends == 0)
                {
                    // 32 bytes without an end: no varint is that long, the slow path says why
                    ReadVarint(payload, ref pos);
                }
                var from = 0;
                while (ends != 0 && i < times.Length)
                {
                    var end = BitOperations.TrailingZeroCount(ends);
                    ends &= ends - 1;
                    ulong raw;
                    if (end - from < sizeof(ulong))
                    {
                        var word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, pos + from));
                        var bits = (end - from + 1) * 8;
                        raw = Pack(bits == 64 ? word : word & ((1UL << bits) - 1));
                    }
                    else
                    {
                        var at = pos + from;
                        raw = ReadVarint(payload, ref at);
                    }
                    prevDelta = unchecked(prevDelta + Varint.UnZigZag(raw));
                    prev = unchecked(prev + prevDelta);
                    times[i++] = prev;
                    from = end + 1;
                }
                pos += from;
            }
        }
        for (; i < times.Length; i++)
        {
            prevDelta = unchecked(prevDelta + Varint.UnZigZag(ReadVarint(payload, ref pos)));
            prev = unchecked(prev + prevDelta);
            times[i] = prev;
        }
        if (pos != payload.Length)
        {
            throw new InvalidDataException($"{payload.Length - pos} bytes left over after the last value");
        }
    }

    /// <summary>The value of up to eight varint bytes (little-endian in <paramref name="word"/>, bytes past the end zeroed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Pack(ulong word)
    {
        var x = word & 0x7F7F7F7F7F7F7F7FUL;
        x = (x & 0x007F007F007F007FUL) | ((x & 0x7F007F007F007F00UL) >> 1);
        x = (x & 0x00003FFF00003FFFUL) | ((x & 0x3FFF00003FFF0000UL) >> 2);
        return (x & 0x000000000FFFFFFFUL) | ((x & 0x0FFFFFFF00000000UL) >> 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if ((uint)pos >= (uint)data.Length)
            {
                throw new InvalidDataException($"unexpected end of data at byte {pos}");
            }
            var b = data[pos++];
            if (shift == 63 && b > 1)
            {
                throw new InvalidDataException($"varint overflows 64 bits at byte {pos - 1}");
            }
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }
        throw new InvalidDataException($"varint longer than 10 bytes at byte {pos}");
    }
}
