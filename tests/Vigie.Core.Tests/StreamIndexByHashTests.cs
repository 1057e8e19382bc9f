using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;

namespace Vigie.Core.Tests;

/// <summary>
/// The batch's table of streams by hash against a <see cref="Dictionary{TKey, TValue}"/>: random adds,
/// lookups, clears and copies, with hashes that share their low bits so that probing runs long.
/// </summary>
public sealed class StreamIndexByHashTests
{
    private enum Op
    {
        Add,
        TryAdd,
        Lookup,
        Clear,
        CopyOut,
    }

    [Fact]
    public void Operations_AsADictionary()
    {
        // Few distinct low bits, many high ones: colliding slots; 0 included (an empty slot's hash).
        var hashes = from high in Gen.Choose(0, 300)
                     from low in Gen.Elements(0UL, 1UL, 63UL, 64UL, 127UL)
                     select ((ulong)high << 32) | low;
        var ops = (from op in Gen.Frequency((30, Gen.Constant(Op.Add)), (10, Gen.Constant(Op.TryAdd)), (30, Gen.Constant(Op.Lookup)), (1, Gen.Constant(Op.Clear)), (2, Gen.Constant(Op.CopyOut)))
                   from hash in hashes
                   select (op, hash)).ArrayOf();

        Prop.ForAll(ops.ToArbitrary(), ((Op Op, ulong Hash)[] steps) =>
        {
            var table = new StreamIndexByHash();
            var copy = new StreamIndexByHash();
            var reference = new Dictionary<ulong, int>();
            foreach (var (op, hash) in steps)
            {
                switch (op)
                {
                    case Op.Add:
                        if (!reference.ContainsKey(hash))
                        {
                            reference.Add(hash, reference.Count);
                            table.Add(hash, reference.Count - 1);
                        }
                        break;
                    case Op.TryAdd:
                        var index = reference.Count + 1000;
                        Assert.Equal(reference.TryAdd(hash, index), table.TryAdd(hash, index));
                        break;
                    case Op.Lookup:
                        var found = reference.TryGetValue(hash, out var expected);
                        Assert.Equal(found, table.TryGetValue(hash, out var actual));
                        Assert.Equal(found ? expected : -1, actual);
                        break;
                    case Op.Clear:
                        reference.Clear();
                        table.Clear();
                        break;
                    case Op.CopyOut:
                        // Into a table whose size its own history decided: it must hold exactly the source's pairs.
                        copy.CopyFrom(table);
                        Assert.Equal(reference.Count, copy.Count);
                        foreach (var (h, i) in reference)
                        {
                            Assert.True(copy.TryGetValue(h, out var got));
                            Assert.Equal(i, got);
                        }
                        Assert.False(copy.TryGetValue(ulong.MaxValue, out _));
                        break;
                }
                Assert.Equal(reference.Count, table.Count);
            }
            foreach (var (h, i) in reference)
            {
                Assert.True(table.TryGetValue(h, out var got));
                Assert.Equal(i, got);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500).WithEndSize(400));
    }
}
