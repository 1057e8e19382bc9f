using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Blocks;

namespace Vigie.Storage.Tests.Blocks;

public class BloomFilterTests
{
    [Fact]
    public void MayContain_EveryAddedHash_True()
    {
        var hashes = Gen.Choose(0, int.MaxValue).Select(i => (ulong)i * 0x9E3779B97F4A7C15UL ^ (ulong)i << 7).ArrayOf().ToArbitrary();
        Prop.ForAll(hashes, (ulong[] added) =>
        {
            var filter = BloomFilter.Build(added.Distinct().ToArray());
            Assert.All(added, h => Assert.True(filter.MayContain(h)));
            Assert.True(filter.MayContainAll(added));
            var copy = BloomFilter.Read(filter.ToArray());
            Assert.All(added, h => Assert.True(copy.MayContain(h)));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void MayContain_TokensOfRandomText_NoFalseNegatives()
    {
        var words = Gen.Elements("Error", "timeout", "日本語", "ÉCOLE", "user_42", "x", "GET", "😀", "a-b", "", "naïve").ArrayOf();
        Prop.ForAll(words.ToArbitrary(), (string[] text) =>
        {
            var utf8 = Encoding.UTF8.GetBytes(string.Join(' ', text));
            var tokens = new List<ulong>();
            Tokenizer.ForEachToken(utf8, ref tokens, static (ref List<ulong> t, ReadOnlySpan<byte> token) => t.Add(Tokenizer.Hash(token)));
            var filter = BloomFilter.Build(tokens.Distinct().ToArray());
            foreach (var word in Tokenizer.Tokens(string.Join(' ', text)))
            {
                Assert.True(filter.MayContain(Tokenizer.Hash(word.ToUpperInvariant().AsSpan())));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    [Fact]
    public void MayContain_AbsentHashes_FalsePositiveRateBelowOnePercent()
    {
        var random = new Random(1);
        var added = Enumerable.Range(0, 20_000).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63)).Distinct().ToArray();
        var filter = BloomFilter.Build(added);
        var set = added.ToHashSet();
        var falsePositives = 0;
        var trials = 0;
        while (trials < 200_000)
        {
            var h = (ulong)random.NextInt64();
            if (set.Contains(h))
            {
                continue;
            }
            trials++;
            falsePositives += filter.MayContain(h) ? 1 : 0;
        }
        var rate = falsePositives / (double)trials;
        Assert.InRange(rate, 0, 0.01);
        Assert.InRange(filter.FillRatio, 0.35, 0.65);
    }

    [Fact]
    public void MayContainAll_EmptySpan_True()
    {
        Assert.True(BloomFilter.Build([]).MayContainAll([]));
        Assert.False(BloomFilter.Build([]).MayContain(12345));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 8 })]
    [InlineData(new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 8 })]
    [InlineData(new byte[] { 99, 1, 2, 3, 4, 5, 6, 7, 8 })]
    [InlineData(new byte[] { 8, 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    public void Read_MalformedBytes_ThrowsInvalidData(byte[] bytes) =>
        Assert.Throws<InvalidDataException>(() => BloomFilter.Read(bytes));
}
