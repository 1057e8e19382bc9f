using FsCheck;
using FsCheck.Fluent;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>
/// Packed times (part format 2) give back exactly the times they were made from, whatever their
/// spacing: regular, jittered nanoseconds, multiples of a millisecond or a second (the divisor),
/// the whole range of longs, and times that go back (the delta-of-delta mode).
/// </summary>
public sealed class PackedTimesProperties
{
    private static Gen<long[]> Times =>
        from count in Gen.Choose(1, 700)
        from shape in Gen.Choose(0, 5)
        from bits in Gen.Choose(0, 63)
        from seed in Gen.Choose(0, int.MaxValue)
        select Make(count, shape, bits, seed);

    [Fact]
    public void EncodeThenDecode_AnyTimes_GivesThemBack()
    {
        using var encoder = new ColumnEncoder(1);
        Prop.ForAll(Times.ToArbitrary(), times =>
        {
            var stored = encoder.EncodeTimes(times).ToArray();
            Assert.Equal(times, ColumnDecoder.DecodeTimes(stored, times.Length, PartFormat.TimesEncoding.Packed));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(400));
    }

    [Fact]
    public void Decode_PayloadCutShortOrTooLong_Throws()
    {
        var scratch = new ulong[1000];
        Prop.ForAll(Times.ToArbitrary(), times =>
        {
            using var buffer = new ByteBuffer();
            PackedTimes.Encode(times, buffer, scratch);
            var payload = buffer.Span.ToArray();
            Assert.Throws<InvalidDataException>(() => PackedTimes.Decode(payload[..^1], new long[times.Length]));
            Assert.Throws<InvalidDataException>(() => PackedTimes.Decode([.. payload, 0], new long[times.Length]));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }

    [Fact]
    public void Encode_MillisecondTimes_PackTheMillisecondsOnly()
    {
        var random = new Random(3);
        var times = new long[1000];
        var t = 1_700_000_000_000_000_000L;
        for (var i = 0; i < times.Length; i++)
        {
            times[i] = t;
            t += random.Next(0, 256) * 1_000_000L;
        }
        using var buffer = new ByteBuffer();
        Assert.True(PackedTimes.Encode(times, buffer, new ulong[times.Length]));
        // mode, first time, smallest delta and divisor varints, width, then 999 deltas of at most 8 bits
        Assert.True(buffer.Length <= 1 + 8 + 10 + 4 + 1 + 999, $"{buffer.Length} bytes");
    }

    [Fact]
    public void BitPacking_AnyWidth_ReadsBackEachValue()
    {
        var gen =
            from width in Gen.Choose(0, 64)
            from count in Gen.Choose(0, 200)
            from seed in Gen.Choose(0, int.MaxValue)
            select (width, count, seed);
        Prop.ForAll(gen.ToArbitrary(), p =>
        {
            var random = new Random(p.seed);
            var mask = p.width == 64 ? ulong.MaxValue : (1UL << p.width) - 1;
            var values = Enumerable.Range(0, p.count).Select(_ => (ulong)random.NextInt64() * 3 & mask).ToArray();
            using var buffer = new ByteBuffer();
            BitPacking.Pack(values, p.width, buffer);
            Assert.Equal(BitPacking.ByteCount(p.count, p.width), buffer.Length);
            var packed = buffer.Span.ToArray();
            for (var i = 0; i < values.Length; i++)
            {
                Assert.Equal(values[i], BitPacking.Read(packed, i, p.width));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    private static long[] Make(int count, int shape, int bits, int seed)
    {
        var r = new Random(seed);
        var times = new long[count];
        var t = r.NextInt64(long.MinValue / 2, long.MaxValue / 2);
        var spread = bits == 63 ? long.MaxValue : 1L << bits;
        for (var i = 0; i < count; i++)
        {
            times[i] = t;
            t = unchecked(t + shape switch
            {
                // regular
                0 => 1_000_000_000L,
                // jittered nanoseconds
                1 => r.NextInt64(0, Math.Max(1, spread / count)),
                // milliseconds with jitter: a divisor of 10^6
                2 => r.NextInt64(0, 1000) * 1_000_000L,
                // some equal, some apart
                3 => r.Next(3) == 0 ? 0 : r.NextInt64(1, 1L << Math.Min(bits, 40)),
                // going back now and then: the delta-of-delta mode
                4 => r.NextInt64(-(1L << Math.Min(bits, 40)), 1L << Math.Min(bits, 40)),
                _ => 0,
            });
        }
        if (shape == 5 && count >= 2)
        {
            // the widest spread a sorted block can have
            times[0] = long.MinValue;
            times[^1] = long.MaxValue;
            for (var i = 1; i < count - 1; i++)
            {
                times[i] = r.NextInt64(long.MinValue, long.MaxValue);
            }
            Array.Sort(times, 1, count - 2);
        }
        return times;
    }
}
