using System.Text;
using Vigie.Core;

namespace Vigie.Core.Tests;

public sealed class TokenizerTests
{
    [Theory]
    [InlineData("connect() failed: Connection refused", "connect|failed|Connection|refused")]
    [InlineData("user_id=42 ip=10.0.0.1", "user_id|42|ip|10|0|0|1")]
    [InlineData("Straße gesperrt — 日本語", "Straße|gesperrt|日本語")]
    [InlineData("emoji 😀 x", "emoji|x")]
    [InlineData("", "")]
    [InlineData("--- ::: ---", "")]
    public void Tokens_Text_MaximalRunsOfLettersDigitsUnderscore(string text, string expected) =>
        Assert.Equal(expected, string.Join('|', Tokenizer.Tokens(text)));

    [Fact]
    public void ForEachToken_Utf8_SameTokensAsText()
    {
        const string text = "GET /api/Users?id=42 Straße 日本語 ok_1";
        var utf8 = Encoding.UTF8.GetBytes(text);
        var tokens = new List<string>();
        Tokenizer.ForEachToken(utf8, ref tokens, static (ref List<string> list, ReadOnlySpan<byte> token) => list.Add(Encoding.UTF8.GetString(token)));
        Assert.Equal(Tokenizer.Tokens(text), tokens);
    }

    [Theory]
    [InlineData("Error", "error")]
    [InlineData("STRASSE", "strasse")]
    [InlineData("ÉTÉ", "été")]
    public void Hash_DifferentCase_SameHashFromTextAndUtf8(string a, string b)
    {
        Assert.Equal(Tokenizer.Hash(a.AsSpan()), Tokenizer.Hash(b.AsSpan()));
        Assert.Equal(Tokenizer.Hash(a.AsSpan()), Tokenizer.Hash(Encoding.UTF8.GetBytes(b)));
    }
}
