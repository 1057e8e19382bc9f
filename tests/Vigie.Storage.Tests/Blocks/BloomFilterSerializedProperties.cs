using FsCheck;
using FsCheck.Fluent;
using Vigie.Storage.Blocks;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>
/// Queries test a block's bloom filter on its stored bytes, without building a filter: that test
/// must say exactly what the filter itself says, for hashes added and not, and reject bytes that
/// cannot be a filter.
/// </summary>
public sealed class BloomFilterSerializedProperties
{
    [Fact]
    public void MayContainAll_OnStoredBytes_SameAsTheFilter()
    {
        var cases = (from added in Gen.Choose(0, 400)
                     from seed in Gen.Choose(0, int.MaxValue)
                     from bitsPerToken in Gen.Choose(1, 20)
                     select (added, seed, bitsPerToken)).ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var r = new Random(c.seed);
            var hashes = Enumerable.Range(0, c.added).Select(_ => (ulong)r.NextInt64() ^ ((ulong)r.Next() << 40)).Distinct().ToArray();
            var filter = BloomFilter.Build(hashes, c.bitsPerToken);
            var stored = filter.ToArray();
            Assert.True(BloomFilter.MayContainAll(stored, hashes));
            for (var i = 0; i < 200; i++)
            {
                ulong[] probe = i % 2 == 0 ? [(ulong)r.NextInt64()] : [hashes.Length > 0 ? hashes[r.Next(hashes.Length)] : 1UL, (ulong)r.NextInt64()];
                Assert.Equal(filter.MayContainAll(probe), BloomFilter.MayContainAll(stored, probe));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    [Fact]
    public void WriteBuilt_SameBytesAsBuildThenWrite()
    {
        var cases = (from added in Gen.Choose(0, 400)
                     from seed in Gen.Choose(0, int.MaxValue)
                     from bitsPerToken in Gen.Choose(1, 20)
                     select (added, seed, bitsPerToken)).ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var r = new Random(c.seed);
            var hashes = Enumerable.Range(0, c.added).Select(_ => (ulong)r.NextInt64() ^ ((ulong)r.Next() << 40)).Distinct().ToArray();
            var expected = BloomFilter.Build(hashes, c.bitsPerToken).ToArray();
            // Dirty, oversized destination: the written filter must not depend on what was there.
            var destination = new byte[expected.Length + 9];
            r.NextBytes(destination);
            Assert.Equal(expected.Length, BloomFilter.SerializedLengthFor(hashes.Length, c.bitsPerToken));
            Assert.Equal(expected.Length, BloomFilter.WriteBuilt(hashes, destination, c.bitsPerToken));
            Assert.Equal(expected, destination.AsSpan(0, expected.Length).ToArray());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 3, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 3, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 200, 0, 0, 0, 0, 0, 0, 0, 0 })]
    public void MayContainAll_BytesThatCannotBeAFilter_Throws(byte[] stored) =>
        Assert.Throws<InvalidDataException>(() => BloomFilter.MayContainAll(stored, [42UL]));
}
