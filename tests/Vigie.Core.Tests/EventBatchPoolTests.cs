using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;

namespace Vigie.Core.Tests;

public class EventBatchPoolTests
{
    private static readonly StreamFields Streams = new(["host"]);

    private static EventBatchPool NewPool(int maxPooled = 8) => new(events: 64, fields: 256, valueBytes: 4096, maxPooled);

    private static void Fill(EventBatch batch, int events)
    {
        for (var i = 0; i < events; i++)
        {
            batch.BeginEvent(i);
            batch.AddField("host", ValueKind.String, "web-01"u8);
            batch.AddField("_msg", ValueKind.String, "hello"u8);
            batch.EndEvent(Streams);
        }
    }

    [Fact]
    public void Release_ByTheOnlyHolder_ReturnsTheBatchEmptied()
    {
        var pool = NewPool();
        var batch = pool.Rent();
        Fill(batch, 10);

        batch.Release();

        Assert.Equal(1, pool.Count);
        var again = pool.Rent();
        Assert.Same(batch, again);
        Assert.Equal(0, again.Count);
        Assert.Equal(0, again.ValueBytes);
        Assert.Empty(again.Names);
    }

    [Fact]
    public void Release_WhileAnotherHolderKeepsAReference_DoesNotReturnIt()
    {
        var pool = NewPool();
        var batch = pool.Rent();
        Fill(batch, 3);
        batch.AddReference(); // e.g. the store, until the batch is in a part

        batch.Release();

        Assert.Equal(0, pool.Count);
        Assert.NotSame(batch, pool.Rent());
        Assert.Equal(3, batch.Count); // untouched
        batch.Release();
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public void Detach_KeepsTheBatchOutOfThePoolForGood()
    {
        var pool = NewPool();
        var batch = pool.Rent();
        Fill(batch, 3);
        batch.AddReference();
        batch.Detach(); // handed to a reader that never releases (a live tail)

        batch.Release();
        batch.Release();

        Assert.Equal(0, pool.Count);
        Assert.False(batch.IsPooled);
        Assert.Equal(3, batch.Count);
    }

    [Fact]
    public void Release_OfABatchThatGrewFarPastThePoolsSize_LeavesItToTheCollector()
    {
        var pool = NewPool();
        var batch = pool.Rent();
        batch.BeginEvent(0);
        batch.AddField("_msg", ValueKind.String, new byte[1 << 20]);
        batch.EndEvent(Streams);

        batch.Release();

        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void TrimIfUnused_DropsThePooledBatchesOnlyAfterAPeriodWithoutRent()
    {
        var pool = NewPool();
        pool.Rent().Release();
        pool.TrimIfUnused(); // rented since the last call: kept
        Assert.Equal(1, pool.Count);

        pool.TrimIfUnused();

        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void Rent_NeverHandsOutABatchSomeoneStillHolds()
    {
        // Random sequences of rent, add-reference, release and detach over a few batches: the model
        // counts each batch's holders; a batch the pool hands out must have none (or be new).
        var ops = Gen.ListOf(Gen.Choose(0, 99)).ToArbitrary();
        Prop.ForAll(ops, script =>
        {
            var pool = NewPool(maxPooled: 3);
            var holders = new Dictionary<EventBatch, int>(ReferenceEqualityComparer.Instance);
            var detached = new HashSet<EventBatch>(ReferenceEqualityComparer.Instance);
            var live = new List<EventBatch>();
            foreach (var op in script)
            {
                if (op < 30 || live.Count == 0)
                {
                    var batch = pool.Rent();
                    if (holders.TryGetValue(batch, out var held) && held > 0)
                    {
                        return false;
                    }
                    Assert.Equal(0, batch.Count);
                    Fill(batch, 1 + op % 5);
                    holders[batch] = 1;
                    live.Add(batch);
                    continue;
                }
                var target = live[op % live.Count];
                if (op < 55)
                {
                    target.AddReference();
                    holders[target]++;
                }
                else if (op < 60)
                {
                    target.Detach();
                    detached.Add(target);
                }
                else
                {
                    target.Release();
                    if (--holders[target] == 0)
                    {
                        live.Remove(target);
                    }
                }
            }
            // Detached batches never come back, however they were released.
            for (var i = 0; i < 10; i++)
            {
                if (detached.Contains(pool.Rent()))
                {
                    return false;
                }
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }
}
