using System.Text;
using Vigie.Core;

namespace Vigie.Query.Matching;

/// <summary>Word characters as the tokenizer sees them (letters, digits, <c>_</c>), surrogate pairs included.</summary>
public static class WordChars
{
    /// <summary>Whether the character that ends just before <paramref name="index"/> is a word character.</summary>
    public static bool IsWordBefore(ReadOnlySpan<char> text, int index)
    {
        if (index <= 0)
        {
            return false;
        }
        var c = text[index - 1];
        if (char.IsLowSurrogate(c) && index >= 2 && char.IsHighSurrogate(text[index - 2]))
        {
            return Rune.IsLetterOrDigit(new Rune(text[index - 2], c));
        }
        return Tokenizer.IsWordChar(c);
    }

    /// <summary>Whether the character that starts at <paramref name="index"/> is a word character.</summary>
    public static bool IsWordAt(ReadOnlySpan<char> text, int index)
    {
        if (index >= text.Length)
        {
            return false;
        }
        var c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            return Rune.IsLetterOrDigit(new Rune(c, text[index + 1]));
        }
        return Tokenizer.IsWordChar(c);
    }
}
