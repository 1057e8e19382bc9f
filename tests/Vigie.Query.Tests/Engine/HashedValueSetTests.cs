using FsCheck;
using FsCheck.Fluent;
using Vigie.Query.Pipes.Stats;

namespace Vigie.Query.Tests.Engine;

/// <summary>
/// Whatever the lengths, zero bytes and values that share a prefix, the set counts exactly the
/// distinct byte strings, added directly or through a union.
/// </summary>
public sealed class HashedValueSetTests
{
    [Fact]
    public void AddAndUnion_RandomByteStrings_CountOfDistinctStrings()
    {
        // a small alphabet with 0 and lengths around the 16-byte boundary, so that values collide often
        var value = from length in Gen.OneOf(Gen.Choose(0, 20), Gen.Choose(14, 18), Gen.Choose(0, 40))
                    from bytes in Gen.Elements<byte>(0, 1, (byte)'a').ArrayOf(length)
                    select bytes;
        var cases = (from left in value.ArrayOf()
                     from right in value.ArrayOf()
                     select (left, right)).ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var expected = new HashSet<string>(StringComparer.Ordinal);
            var left = new HashedValueSet();
            var right = new HashedValueSet();
            foreach (var v in c.left)
            {
                left.Add(v);
                expected.Add(Convert.ToHexString(v));
            }
            foreach (var v in c.right)
            {
                right.Add(v);
                expected.Add(Convert.ToHexString(v));
            }
            var rightCount = c.right.Select(Convert.ToHexString).Distinct().Count();
            left.UnionWith(right);
            return left.Count == expected.Count && right.Count == rightCount;
        }).QuickCheckThrowOnFailure();
    }
}
