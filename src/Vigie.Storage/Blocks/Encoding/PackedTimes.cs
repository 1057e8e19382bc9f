using System.Buffers.Binary;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Block times as <see cref="Parts.PartFormat.TimesEncoding.Packed"/>: a mode byte, then either the
/// delta-of-delta varints of <see cref="TimestampCodec"/> (mode 0, for times that go back) or, for
/// non-decreasing times (every block a part holds), the deltas bit-packed (mode 1).
/// </summary>
/// <remarks>
/// Mode 1: the first time as 8 bytes, then the smallest delta and the greatest common divisor of
/// (delta − smallest) as varints, a width byte, then (delta − smallest) / divisor of each further
/// row packed at that width (<see cref="BitPacking"/>). Nanosecond times with random spacing cost
/// about the log2 of their spread per row instead of a 4–5 byte varint; times of millisecond or
/// second precision lose their always-zero digits through the divisor; regular intervals take
/// no bits at all. Deltas are taken as unsigned 64-bit differences, so any non-decreasing
/// sequence of longs round-trips.
/// </remarks>
internal static class PackedTimes
{
    public const byte DeltaOfDeltaMode = 0;

    public const byte PackedMode = 1;

    /// <summary>Writes the payload; returns whether it is bit-packed (bits that zstd cannot shrink: store them as they are).</summary>
    public static bool Encode(ReadOnlySpan<long> times, ByteBuffer payload, Span<ulong> scratch)
    {
        var sorted = times.Length > 0;
        for (var i = 1; i < times.Length && sorted; i++)
        {
            sorted = times[i] >= times[i - 1];
        }
        if (!sorted)
        {
            payload.WriteByte(DeltaOfDeltaMode);
            TimestampCodec.Encode(times, payload);
            return false;
        }
        var deltas = scratch[..(times.Length - 1)];
        var min = ulong.MaxValue;
        for (var i = 0; i < deltas.Length; i++)
        {
            var d = unchecked((ulong)(times[i + 1] - times[i]));
            deltas[i] = d;
            min = Math.Min(min, d);
        }
        ulong divisor = 0;
        ulong max = 0;
        foreach (ref var d in deltas)
        {
            d -= min;
            max = Math.Max(max, d);
            // once it is 1 the divisor stays 1: skip the divisions
            if (divisor != 1)
            {
                divisor = Gcd(divisor, d);
            }
        }
        if (divisor == 0)
        {
            // every delta equal (or a single row): width 0
            divisor = 1;
        }
        if (divisor > 1)
        {
            max /= divisor;
            foreach (ref var d in deltas)
            {
                d /= divisor;
            }
        }
        var width = BitPacking.Width(max);
        payload.WriteByte(PackedMode);
        BinaryPrimitives.WriteInt64LittleEndian(payload.GetSpan(8), times[0]);
        payload.Advance(8);
        payload.WriteVarint(deltas.Length == 0 ? 0 : min);
        payload.WriteVarint(divisor);
        payload.WriteByte((byte)width);
        BitPacking.Pack(deltas, width, payload);
        return true;
    }

    /// <summary>Decodes <paramref name="times"/>.Length times from exactly the bytes of <paramref name="payload"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> payload, Span<long> times)
    {
        if (payload.IsEmpty)
        {
            throw new InvalidDataException("empty times payload");
        }
        var mode = payload[0];
        if (mode == DeltaOfDeltaMode)
        {
            TimestampCodec.Decode(payload[1..], times);
            return;
        }
        if (mode != PackedMode)
        {
            throw new InvalidDataException($"unknown times mode {mode}");
        }
        var reader = new SpanReader(payload[1..]);
        var first = reader.ReadInt64();
        var min = reader.ReadVarint();
        var divisor = reader.ReadVarint();
        int width = reader.ReadByte();
        if (width > 64 || divisor == 0)
        {
            throw new InvalidDataException($"times width {width}, divisor {divisor}");
        }
        var count = Math.Max(0, times.Length - 1);
        var packed = reader.ReadBytes(reader.Remaining);
        if (packed.Length != BitPacking.ByteCount(count, width))
        {
            throw new InvalidDataException($"{packed.Length} bytes of packed deltas, {BitPacking.ByteCount(count, width)} expected");
        }
        if (times.IsEmpty)
        {
            return;
        }
        var t = first;
        times[0] = t;
        if (divisor == 1)
        {
            for (var i = 1; i < times.Length; i++)
            {
                t = unchecked(t + (long)(min + BitPacking.Read(packed, i - 1, width)));
                times[i] = t;
            }
            return;
        }
        for (var i = 1; i < times.Length; i++)
        {
            t = unchecked(t + (long)(min + BitPacking.Read(packed, i - 1, width) * divisor));
            times[i] = t;
        }
    }

    private static ulong Gcd(ulong a, ulong b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }
}
