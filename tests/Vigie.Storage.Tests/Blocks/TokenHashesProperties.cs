using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>
/// The bloom filter a column gets must hold exactly the tokens queries look up: the column encoder's
/// fast ASCII path is checked against the reference tokenizer and hash on random columns.
/// </summary>
public class TokenHashesProperties
{
    private static readonly string[] Pieces =
    [
        "GET", "/api/v1/users/42", "HTTP/1.1", "Connection", "refused", "user_id=7", "a-b", "x", "", " ", "  \t",
        "10.0.3.4:5432", "a_word_longer_than_one_vector_of_32_bytes_0123456789", "ÉCOLE", "naïve", "日本語", "😀", "__init__", "Z9", "!!", "e\u0301", "\u00a0", "MiXeD_Case",
    ];

    [Fact]
    public void BuildBloom_RandomColumns_SameFilterAsReferenceTokenizer()
    {
        var value = Gen.Elements(Pieces).ArrayOf().Select(p => string.Concat(p.Select((s, i) => i % 3 == 0 ? s : s + " ")));
        var row = Gen.Frequency((1, Gen.Constant<string?>(null)), (6, value.Select(v => (string?)v)));
        var asciiOnly = Gen.Elements(Pieces.Where(p => Ascii.IsValid(p)).ToArray()).ArrayOf().Select(p => (string?)string.Join(' ', p));
        var rows = Gen.OneOf(row.ArrayOf(), asciiOnly.ArrayOf()).Where(r => r.Length > 0);
        using var tokens = new TokenHashes();
        // Bytes past the column's end, in the array that holds it (letters when positive, non-ASCII when
        // negative): the scan must neither take them as words nor fall back on them.
        var padding = Gen.Choose(-40, 40);
        using var output = new ByteBuffer();
        Prop.ForAll(rows.ToArbitrary(), padding.ToArbitrary(), (string?[] values, int pad) =>
        {
            var column = TextColumns.Make(values, pad);
            var expected = new HashSet<ulong>();
            foreach (var v in values)
            {
                if (v is not null)
                {
                    Tokenizer.ForEachToken(Encoding.UTF8.GetBytes(v), ref expected, static (ref HashSet<ulong> set, ReadOnlySpan<byte> token) => set.Add(Tokenizer.Hash(token)));
                }
            }
            var reference = BloomFilter.Build([.. expected]);

            var built = tokens.BuildBloom(column);

            Assert.Equal(reference.ToArray(), built.ToArray());
            output.Clear();
            tokens.WriteBloom(column, output);
            Assert.Equal(reference.ToArray(), output.Span.ToArray());
            foreach (var word in values.Where(v => v is not null).SelectMany(v => Tokenizer.Tokens(v!)))
            {
                Assert.True(built.MayContain(Tokenizer.Hash(word.ToUpperInvariant().AsSpan())), word);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }
}
