using FsCheck;
using FsCheck.Fluent;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>zstd's contexts lent per call (the pool itself: <c>ScratchPoolProperties</c>).</summary>
public sealed class ZstdContextPoolTests
{
    /// <summary>Segments wrapped and unwrapped on many threads at once, through the shared lent contexts, come back exactly.</summary>
    [Fact]
    public void SegmentsWrappedAndUnwrappedConcurrently_RoundTrip()
    {
        var payloads = Gen.Choose(0, int.MaxValue).ArrayOf().Select(seeds => seeds.Take(24).ToArray()).ToArbitrary();
        Prop.ForAll(payloads, seeds =>
        {
            Parallel.ForEach(seeds, new ParallelOptions { MaxDegreeOfParallelism = 4 }, seed =>
            {
                var random = new Random(seed);
                var payload = new byte[random.Next(0, 200_000)];
                // Text-like bytes, so that zstd compresses most of them.
                for (var i = 0; i < payload.Length; i++)
                {
                    payload[i] = (byte)('a' + random.Next(random.Next(1, 27)));
                }
                var stored = new ByteBuffer(1024);
                SegmentEnvelope.Wrap(payload, stored, level: 1 + (seed % 3));
                var back = SegmentEnvelope.Unwrap(stored.Span, out var length);
                Assert.Equal(payload, back.AsSpan(0, length).ToArray());
                SegmentEnvelope.Release(back);
            });
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }
}
