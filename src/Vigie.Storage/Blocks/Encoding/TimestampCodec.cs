using System.Runtime.CompilerServices;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Block times as delta-of-delta zigzag varints: first time, first delta, then the change of each
/// delta. Regular intervals become runs of zero bytes that zstd then shrinks to almost nothing.
/// </summary>
/// <remarks>Arithmetic wraps (unchecked) on both sides, so any long sequence round-trips exactly.</remarks>
internal static class TimestampCodec
{
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
    /// <remarks>
    /// The hot loop of every query that reads times: the varints are read from a local span and
    /// position (which stay in registers), not through a reader passed by reference.
    /// </remarks>
    public static long[] Decode(ReadOnlySpan<byte> payload, int rowCount)
    {
        var times = new long[rowCount];
        var pos = 0;
        long prev = 0;
        long prevDelta = 0;
        for (var i = 0; i < rowCount; i++)
        {
            var v = Varint.UnZigZag(ReadVarint(payload, ref pos));
            if (i == 0)
            {
                prev = v;
            }
            else
            {
                prevDelta = unchecked(prevDelta + v);
                prev = unchecked(prev + prevDelta);
            }
            times[i] = prev;
        }
        if (pos != payload.Length)
        {
            throw new InvalidDataException($"{payload.Length - pos} bytes left over after the last value");
        }
        return times;
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
