using FsCheck;
using FsCheck.Fluent;
using Vigie.Storage.Store;

namespace Vigie.Storage.Tests.Store;

/// <summary>
/// The pools of objects kept between uses (flush and merge scratch, zstd's contexts): an object is never
/// handed to two holders at once, whatever the interleaving of rents, returns and trims, the
/// pool never keeps more than its bound, and an unused pool ends up empty.
/// </summary>
public class ScratchPoolProperties
{
    [Fact]
    public void RentReturnAndTrim_FromSeveralThreads_NeverHandOneObjectToTwoHolders()
    {
        var seeds = Gen.Choose(0, int.MaxValue).ToArbitrary();
        Prop.ForAll(seeds, seed =>
        {
            var maxFree = new Random(seed).Next(0, 5);
            var pool = new ScratchPool<FlushScratch>(static () => new FlushScratch(), maxFree);
            var held = new HashSet<FlushScratch>(ReferenceEqualityComparer.Instance);
            var heldLock = new Lock();
            var clash = 0;
            Parallel.For(0, 4, worker =>
            {
                var r = new Random(seed + worker);
                var mine = new List<FlushScratch>();
                for (var step = 0; step < 200; step++)
                {
                    var action = r.Next(10);
                    if (action < 5)
                    {
                        var scratch = pool.Rent();
                        lock (heldLock)
                        {
                            if (!held.Add(scratch))
                            {
                                clash++;
                            }
                        }
                        mine.Add(scratch);
                    }
                    else if (action < 9 && mine.Count > 0)
                    {
                        var i = r.Next(mine.Count);
                        var scratch = mine[i];
                        mine.RemoveAt(i);
                        lock (heldLock)
                        {
                            held.Remove(scratch);
                        }
                        pool.Return(scratch);
                    }
                    else
                    {
                        pool.TrimIfUnused();
                    }
                    Assert.InRange(pool.FreeCount, 0, maxFree);
                }
                foreach (var scratch in mine)
                {
                    lock (heldLock)
                    {
                        held.Remove(scratch);
                    }
                    pool.Return(scratch);
                }
            });
            Assert.Equal(0, clash);
            Assert.InRange(pool.FreeCount, 0, maxFree);
            pool.TrimIfUnused();
            pool.TrimIfUnused();
            Assert.Equal(0, pool.FreeCount);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    [Fact]
    public void Rent_AfterReturn_ReusesTheSameObject()
    {
        var pool = new ScratchPool<FlushScratch>(static () => new FlushScratch(), 2);
        var one = pool.Rent();
        pool.Return(one);

        Assert.Same(one, pool.Rent());
        Assert.NotSame(one, pool.Rent());
    }

    private sealed class NativeThing : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    /// <summary>Objects holding native memory (zstd's contexts) are disposed when dropped: past the bound, and by a trim.</summary>
    [Fact]
    public void DroppedObjects_AreDisposed_KeptOnesAreNot()
    {
        var pool = new ScratchPool<NativeThing>(static () => new NativeThing(), 2);
        var lent = Enumerable.Range(0, 3).Select(_ => pool.Rent()).ToList();
        lent.ForEach(pool.Return);
        Assert.Equal([false, false, true], lent.Select(t => t.Disposed));

        pool.TrimIfUnused();
        Assert.DoesNotContain(lent.Take(2), t => t.Disposed);
        pool.TrimIfUnused();
        Assert.All(lent, t => Assert.True(t.Disposed));
        Assert.Equal(0, pool.FreeCount);
    }

    [Fact]
    public void TrimIfUnused_DropsTheFreeObjectsOnlyWhenNoneWasRentedSinceTheLastCall()
    {
        var pool = new ScratchPool<FlushScratch>(static () => new FlushScratch(), 4);
        pool.Return(pool.Rent());

        pool.TrimIfUnused();
        Assert.Equal(1, pool.FreeCount);
        pool.TrimIfUnused();
        Assert.Equal(0, pool.FreeCount);
    }

    [Fact]
    public void SharedPools_AreTrimmedByTheirTimer_WhenUnused()
    {
        ScratchPools.Merge.Return(ScratchPools.Merge.Rent());
        Assert.True(SpinWait.SpinUntil(() => ScratchPools.Merge.FreeCount == 0, TimeSpan.FromSeconds(30)));
    }
}
