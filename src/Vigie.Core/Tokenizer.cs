using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace Vigie.Core;

/// <summary>
/// Words, as full-text search and the bloom filters see them: maximal runs of Unicode letters,
/// digits and <c>_</c>. Matching is case-insensitive, so token hashes are taken over the
/// lower-cased UTF-8 bytes of the token.
/// </summary>
public static class Tokenizer
{
    /// <summary>Calls <paramref name="onToken"/> for each token of <paramref name="utf8"/>, with its offset and length.</summary>
    public static void ForEachToken<TState>(ReadOnlySpan<byte> utf8, ref TState state, TokenVisitor<TState> onToken)
        where TState : allows ref struct
    {
        var i = 0;
        var start = -1;
        while (i < utf8.Length)
        {
            var b = utf8[i];
            int width;
            bool isWord;
            if (b < 0x80)
            {
                width = 1;
                isWord = IsAsciiWordByte(b);
            }
            else
            {
                var status = Rune.DecodeFromUtf8(utf8[i..], out var rune, out width);
                isWord = status == OperationStatus.Done && Rune.IsLetterOrDigit(rune);
            }
            if (isWord)
            {
                if (start < 0)
                {
                    start = i;
                }
            }
            else if (start >= 0)
            {
                onToken(ref state, utf8[start..i]);
                start = -1;
            }
            i += width;
        }
        if (start >= 0)
        {
            onToken(ref state, utf8[start..]);
        }
    }

    public delegate void TokenVisitor<TState>(ref TState state, ReadOnlySpan<byte> token)
        where TState : allows ref struct;

    public static bool IsAsciiWordByte(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a' || (uint)(b - '0') <= 9 || b == '_';

    public static bool IsWordChar(char c) => c == '_' || char.IsLetterOrDigit(c);

    /// <summary>The case-insensitive hash of one token given as UTF-8.</summary>
    public static ulong Hash(ReadOnlySpan<byte> token)
    {
        const int StackLimit = 256;
        if (token.Length <= StackLimit && Ascii.IsValid(token))
        {
            Span<byte> lower = stackalloc byte[token.Length];
            Ascii.ToLower(token, lower, out _);
            return XxHash3.HashToUInt64(lower);
        }
        return Hash(Encoding.UTF8.GetString(token));
    }

    /// <summary>The case-insensitive hash of one token given as text.</summary>
    public static ulong Hash(ReadOnlySpan<char> token)
    {
        var lower = token.ToString().ToLowerInvariant();
        var bytes = Encoding.UTF8.GetBytes(lower);
        return XxHash3.HashToUInt64(bytes);
    }

    /// <summary>The tokens of a text, in order; for cold paths (query compilation, tests).</summary>
    public static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isWord = i < text.Length && IsWordAt(text, i);
            if (isWord && start < 0)
            {
                start = i;
            }
            else if (!isWord && start >= 0)
            {
                tokens.Add(text[start..i]);
                start = -1;
            }
            if (i < text.Length && char.IsHighSurrogate(text[i]))
            {
                i++;
            }
        }
        return tokens;
    }

    private static bool IsWordAt(string text, int i)
    {
        if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length)
        {
            return Rune.IsLetterOrDigit(new Rune(text[i], text[i + 1]));
        }
        return IsWordChar(text[i]);
    }
}
