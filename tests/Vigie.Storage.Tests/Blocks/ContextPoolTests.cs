using FsCheck;
using FsCheck.Fluent;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>The pool that lends zstd contexts for one call: reuse, its bound, its trim, and no context lent twice at once.</summary>
public sealed class ContextPoolTests
{
    private sealed class Thing : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    [Fact]
    public void Return_KeepsUpToTheBound_AndDisposesTheRest()
    {
        var pool = new ContextPool<Thing>(() => new Thing(), maxFree: 2);
        var lent = Enumerable.Range(0, 3).Select(_ => pool.Rent()).ToList();
        Assert.Equal(3, lent.Distinct().Count());

        lent.ForEach(pool.Return);

        Assert.Equal(2, pool.FreeCount);
        Assert.Equal([false, false, true], lent.Select(t => t.Disposed));
        Assert.Same(lent[1], pool.Rent());
    }

    [Fact]
    public void TrimIfUnused_DisposesTheKeptOnesOnlyAfterAWholePeriodWithoutRent()
    {
        var pool = new ContextPool<Thing>(() => new Thing(), maxFree: 4);
        var thing = pool.Rent();
        pool.Return(thing);

        pool.TrimIfUnused(); // lent since the last trim: kept
        Assert.Equal(1, pool.FreeCount);
        Assert.Same(thing, pool.Rent());
        pool.Return(thing);
        pool.TrimIfUnused();
        Assert.False(thing.Disposed);

        pool.TrimIfUnused(); // nothing lent since: freed
        Assert.Equal(0, pool.FreeCount);
        Assert.True(thing.Disposed);
        Assert.NotSame(thing, pool.Rent());
    }

    [Fact]
    public void RentFromManyThreads_NeverLendsOneObjectTwiceAtOnce()
    {
        var pool = new ContextPool<Thing>(() => new Thing(), maxFree: 3);
        var inUse = new HashSet<Thing>(ReferenceEqualityComparer.Instance);
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var thing = pool.Rent();
            Assert.False(thing.Disposed, "a disposed object was lent");
            lock (inUse)
            {
                Assert.True(inUse.Add(thing), "one object lent twice at once");
            }
            if (i % 97 == 0)
            {
                pool.TrimIfUnused();
            }
            lock (inUse)
            {
                inUse.Remove(thing);
            }
            pool.Return(thing);
        });
        Assert.InRange(pool.FreeCount, 1, 3);
    }

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
