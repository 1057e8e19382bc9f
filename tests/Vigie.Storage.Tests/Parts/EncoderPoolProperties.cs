using FsCheck;
using FsCheck.Fluent;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Tests.Parts;

/// <summary>
/// The pool of column encoders the part writer keeps between parts: an encoder is never handed
/// to two holders at once, whatever the interleaving of rents, returns and trims, and the pool
/// never keeps more than its bound.
/// </summary>
public class EncoderPoolProperties
{
    [Fact]
    public void RentReturnAndTrim_FromSeveralThreads_NeverHandOneEncoderToTwoHolders()
    {
        var seeds = Gen.Choose(0, int.MaxValue).ToArbitrary();
        Prop.ForAll(seeds, seed =>
        {
            var maxFree = new Random(seed).Next(0, 5);
            var pool = new EncoderPool(maxFree);
            var held = new HashSet<ColumnEncoder>(ReferenceEqualityComparer.Instance);
            var heldLock = new Lock();
            var clash = 0;
            Parallel.For(0, 4, worker =>
            {
                var r = new Random(seed + worker);
                var mine = new List<(int Level, ColumnEncoder Encoder)>();
                for (var step = 0; step < 200; step++)
                {
                    var action = r.Next(10);
                    if (action < 5)
                    {
                        var level = r.Next(1, 3);
                        var encoder = pool.Rent(level);
                        lock (heldLock)
                        {
                            if (!held.Add(encoder))
                            {
                                clash++;
                            }
                        }
                        mine.Add((level, encoder));
                    }
                    else if (action < 9 && mine.Count > 0)
                    {
                        var i = r.Next(mine.Count);
                        var (level, encoder) = mine[i];
                        mine.RemoveAt(i);
                        lock (heldLock)
                        {
                            held.Remove(encoder);
                        }
                        pool.Return(encoder, level);
                    }
                    else
                    {
                        pool.TrimIfUnused();
                    }
                    Assert.InRange(pool.FreeCount, 0, maxFree);
                }
                foreach (var (level, encoder) in mine)
                {
                    lock (heldLock)
                    {
                        held.Remove(encoder);
                    }
                    pool.Return(encoder, level);
                }
            });
            Assert.Equal(0, clash);
            Assert.InRange(pool.FreeCount, 0, maxFree);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    [Fact]
    public void Rent_AfterReturn_ReusesTheEncoderOfTheSameLevelOnly()
    {
        var pool = new EncoderPool(4);
        var one = pool.Rent(1);
        pool.Return(one, 1);

        var three = pool.Rent(3);
        var again = pool.Rent(1);

        Assert.NotSame(one, three);
        Assert.Same(one, again);
        pool.Return(three, 3);
        pool.Return(again, 1);
    }

    [Fact]
    public void TrimIfUnused_DropsTheFreeEncodersOnlyWhenNoneWasRentedSinceTheLastCall()
    {
        var pool = new EncoderPool(4);
        pool.Return(pool.Rent(1), 1);

        pool.TrimIfUnused();
        Assert.Equal(1, pool.FreeCount);
        pool.TrimIfUnused();
        Assert.Equal(0, pool.FreeCount);
    }
}
