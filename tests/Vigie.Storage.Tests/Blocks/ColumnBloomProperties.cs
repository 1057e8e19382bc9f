using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>
/// The column encoder's bloom filters against the reference tokenizer: an Ipv4 column's filter, built
/// from the addresses the picker parsed, and the text scan on large columns of varied words (the word
/// set grows, words cross vectors), with one encoder reused column after column as the part writer does.
/// </summary>
public sealed class ColumnBloomProperties
{
    private static Gen<string> Address =>
        from octets in Gen.Frequency((3, Gen.Choose(0, 255)), (1, Gen.Elements(0, 1, 9, 10, 99, 100, 199, 200, 249, 250, 255))).ArrayOf(4)
        select string.Join('.', octets.Select(o => o.ToString(CultureInfo.InvariantCulture)));

    [Fact]
    public void OctetHashes_AreTheTokenHashesOfTheOctetsTexts_AndDistinct()
    {
        var hashes = TokenHashes.OctetHashes.ToArray();
        Assert.Equal(256, hashes.Length);
        Assert.Equal(256, hashes.Distinct().Count());
        for (var o = 0; o < 256; o++)
        {
            Assert.Equal(Tokenizer.Hash(o.ToString(CultureInfo.InvariantCulture).AsSpan()), hashes[o]);
        }
    }

    [Fact]
    public void Ipv4Columns_FilterEqualsTheReferenceTokenizers_AndDecodeBack()
    {
        var row = Gen.Frequency((1, Gen.Constant<string?>(null)), (8, Address.Select(a => (string?)a)));
        var rows = row.ArrayOf().Where(r => r.Count(v => v is not null) >= 2);
        using var encoder = new ColumnEncoder(1);
        var ipv4Columns = 0;
        Prop.ForAll(rows.ToArbitrary(), (string?[] values) =>
        {
            var column = TextColumns.Make(values, 0);
            var encoded = encoder.Encode(column);
            if (encoded.Encoding != ColumnEncoding.Ipv4)
            {
                // Few distinct addresses make a dictionary, which has no filter.
                Assert.Equal(ColumnEncoding.Dict, encoded.Encoding);
                return;
            }
            ipv4Columns++;
            var reference = ReferenceBloom(values);
            Assert.Equal(reference.ToArray(), encoded.Bloom.ToArray());
            // Through the text path too: the two must agree.
            using var tokens = new TokenHashes();
            using var output = new ByteBuffer();
            tokens.WriteBloom(column, output);
            Assert.Equal(reference.ToArray(), output.Span.ToArray());
            var filter = BloomFilter.Read(encoded.Bloom);
            foreach (var word in values.Where(v => v is not null).SelectMany(v => v!.Split('.')))
            {
                Assert.True(filter.MayContain(Tokenizer.Hash(word.AsSpan())), word);
            }
            var decoded = ColumnDecoder.Decode(
                "c", encoded.Encoding, encoded.KindsLayout, encoded.UniformKind, encoded.PresentRows, encoded.Entries, values.Length, encoded.Data);
            for (var r = 0; r < values.Length; r++)
            {
                Assert.Equal(column.Kinds[r], decoded.Kinds[r]);
                Assert.Equal(values[r] ?? string.Empty, Encoding.UTF8.GetString(decoded.GetValue(r)));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
        Assert.True(ipv4Columns > 100, $"only {ipv4Columns} of 300 columns were Ipv4");
    }

    [Fact]
    public void LargeTextColumns_FilterEqualsTheReferenceTokenizers_WithOneTokenHashesReused()
    {
        // Words from a wide alphabet and of every length up to three vectors, so that the word set grows
        // past its starting size and words start and end anywhere in the 32-byte vectors.
        var word = from length in Gen.Frequency((6, Gen.Choose(1, 12)), (1, Gen.Choose(13, 96)))
                   from chars in Gen.Elements("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_".ToCharArray()).ArrayOf(length)
                   select new string(chars);
        var separator = Gen.Elements(" ", "/", ".", "-", "=", ": ", "\t", "\"", "");
        var value = from parts in Gen.Zip(word, separator).ArrayOf()
                    select string.Concat(parts.Select(p => p.Item1 + p.Item2));
        var row = Gen.Frequency((1, Gen.Constant<string?>(null)), (12, value.Select(v => (string?)v)));
        var rows = Gen.Choose(50, 1500).SelectMany(n => row.ArrayOf(n));
        var padding = Gen.Choose(-40, 40);
        using var tokens = new TokenHashes();
        using var output = new ByteBuffer();
        Prop.ForAll(rows.ToArbitrary(), padding.ToArbitrary(), (string?[] values, int pad) =>
        {
            var column = TextColumns.Make(values, pad);
            output.Clear();
            tokens.WriteBloom(column, output);
            Assert.Equal(ReferenceBloom(values).ToArray(), output.Span.ToArray());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    private static BloomFilter ReferenceBloom(string?[] values)
    {
        var expected = new HashSet<ulong>();
        foreach (var v in values)
        {
            if (v is not null)
            {
                Tokenizer.ForEachToken(Encoding.UTF8.GetBytes(v), ref expected, static (ref HashSet<ulong> set, ReadOnlySpan<byte> token) => set.Add(Tokenizer.Hash(token)));
            }
        }
        return BloomFilter.Build([.. expected]);
    }
}
