using FsCheck;
using FsCheck.Fluent;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>
/// The times decoder reads most varints eight bytes at a time and finds their ends 32 bytes at a
/// time: whatever the sizes of the values (1 to 10 bytes) and wherever they fall against those
/// windows and the payload's end, it must give back exactly what was encoded, and reject a
/// payload that is cut short or too long.
/// </summary>
public sealed class TimestampCodecProperties
{
    private static Gen<long[]> Times =>
        from count in Gen.Choose(1, 300)
        from bits in Gen.Choose(0, 63)
        from seed in Gen.Choose(0, int.MaxValue)
        select Make(count, bits, seed);

    [Fact]
    public void Decode_AnyTimes_GivesThemBack()
    {
        Prop.ForAll(Times.ToArbitrary(), times =>
        {
            var payload = Encode(times);
            Assert.Equal(times, TimestampCodec.Decode(payload, times.Length));
            var into = new long[times.Length];
            TimestampCodec.Decode(payload, into);
            Assert.Equal(times, into);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Decode_PayloadCutShortOrTooLong_Throws()
    {
        Prop.ForAll(Times.ToArbitrary(), times =>
        {
            var payload = Encode(times);
            Assert.Throws<InvalidDataException>(() => TimestampCodec.Decode(payload[..^1], times.Length));
            Assert.Throws<InvalidDataException>(() => TimestampCodec.Decode([.. payload, 0], times.Length));
            // one value more than was written: the payload ends before it
            Assert.Throws<InvalidDataException>(() => TimestampCodec.Decode(payload, times.Length + 1));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }

    [Fact]
    public void Decode_VarintLongerThanTenBytes_Throws()
    {
        // a first value, then 40 bytes that all continue: no varint ends within them
        byte[] payload = [1, .. Enumerable.Repeat((byte)0x80, 40), 0];
        Assert.Throws<InvalidDataException>(() => TimestampCodec.Decode(payload, 2));
    }

    /// <summary>Times whose delta-of-deltas spread over about <paramref name="bits"/> bits, some sequences sorted as stored blocks are.</summary>
    private static long[] Make(int count, int bits, int seed)
    {
        var r = new Random(seed);
        var times = new long[count];
        var t = r.NextInt64(long.MinValue, long.MaxValue);
        for (var i = 0; i < count; i++)
        {
            var step = bits == 0 ? 0 : r.NextInt64(-(1L << (bits - 1)), 1L << (bits - 1));
            t = unchecked(t + step);
            times[i] = t;
        }
        if (seed % 2 == 0)
        {
            Array.Sort(times);
        }
        return times;
    }

    private static byte[] Encode(long[] times)
    {
        using var buffer = new ByteBuffer();
        TimestampCodec.Encode(times, buffer);
        return buffer.Span.ToArray();
    }
}
