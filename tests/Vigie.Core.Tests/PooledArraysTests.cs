using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core.Io;

namespace Vigie.Core.Tests;

public class PooledArraysTests
{
    [Fact]
    public void Drain_DropsEveryArrayThePoolKept()
    {
        // Arrays of random sizes given back to a pool: after the drain, the pool hands none of them out
        // again, and the drain counted each.
        var sizes = Gen.ListOf(Gen.Choose(1, 1 << 16)).ToArbitrary();
        Prop.ForAll(sizes, lengths =>
        {
            var pool = ArrayPool<byte>.Create(maxArrayLength: 1 << 16, maxArraysPerBucket: 64);
            var rented = lengths.Select(pool.Rent).ToList();
            var kept = new HashSet<byte[]>(rented, ReferenceEqualityComparer.Instance);
            foreach (var array in rented)
            {
                pool.Return(array);
            }
            var dropped = PooledArrays.Drain(pool, 1 << 16);
            var again = lengths.Select(pool.Rent).ToList();
            return dropped == kept.Count && again.All(a => !kept.Contains(a));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Drain_EmptiesTheSharedPoolOfThisThreadsAndTheSharedArrays()
    {
        var shared = ArrayPool<byte>.Shared;
        var given = new List<byte[]>();
        foreach (var length in new[] { 100, 4096, 65_536, 65_536, 1 << 20, 1 << 20, 1 << 20 })
        {
            given.Add(shared.Rent(length));
        }
        foreach (var array in given)
        {
            shared.Return(array);
        }
        var kept = new HashSet<byte[]>(given, ReferenceEqualityComparer.Instance);
        PooledArrays.Drain(shared, 1 << 20);
        foreach (var length in new[] { 100, 4096, 65_536, 65_536, 1 << 20, 1 << 20, 1 << 20 })
        {
            Assert.DoesNotContain(shared.Rent(length), kept);
        }
    }
}
