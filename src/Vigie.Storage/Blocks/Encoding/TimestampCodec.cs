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

    public static long[] Decode(ref SpanReader reader, int rowCount)
    {
        var times = new long[rowCount];
        long prev = 0;
        long prevDelta = 0;
        for (var i = 0; i < rowCount; i++)
        {
            var v = reader.ReadZigZag();
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
        return times;
    }
}
