using FsCheck;
using FsCheck.Fluent;
using Vigie.Storage.Blocks;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>
/// The pool of a builder's lent row arrays: an array rented is long enough and out at most once, and
/// the pool never holds more free arrays than were ever out at once (arrays outgrown by a buffer are
/// let go rather than kept, so that they cannot fill the pool and push out the ones in use).
/// </summary>
public class LentArraysProperties
{
    [Fact]
    public void RentAndReturn_RandomSequence_LongEnoughDistinctAndBounded()
    {
        // Lengths that mostly grow, as a builder's buffers do, with returns in any order.
        var rent = Gen.Choose(1, 5000).Select(n => (Rent: n, Return: -1));
        var giveBack = Gen.Choose(0, 20).Select(i => (Rent: 0, Return: i));
        Prop.ForAll(Gen.Frequency((3, rent), (2, giveBack)).ArrayOf().ToArbitrary(), ((int Rent, int Return)[] script) =>
        {
            var pool = new LentArrays<int>();
            var outstanding = new List<int[]>();
            var peak = 0;
            foreach (var (length, back) in script)
            {
                if (back < 0)
                {
                    var array = pool.Rent(length);
                    Assert.True(array.Length >= length);
                    Assert.DoesNotContain(outstanding, a => ReferenceEquals(a, array));
                    outstanding.Add(array);
                    peak = Math.Max(peak, outstanding.Count);
                }
                else if (outstanding.Count > 0)
                {
                    var i = back % outstanding.Count;
                    pool.Return(outstanding[i]);
                    outstanding.RemoveAt(i);
                }
                Assert.True(pool.FreeCount <= Math.Min(peak, LentArrays<int>.MaxFree), $"{pool.FreeCount} free, at most {peak} were out at once");
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }
}
