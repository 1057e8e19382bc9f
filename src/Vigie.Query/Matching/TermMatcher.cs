using System.Buffers;
using System.Text;
using Vigie.Core;

namespace Vigie.Query.Matching;

/// <summary>
/// Word, phrase and prefix matching: the term occurs in the value, case-insensitively (invariant
/// lower-casing, ordinal comparison), and where the term starts (and, unless it is a prefix, ends)
/// with a word character, the value's neighbouring character there is not one. A term without any
/// word character is thus a plain substring search.
/// </summary>
public sealed partial class TermMatcher : ValueMatcher
{
    private const int StackLimit = 256;

    private readonly string _lowerTerm;
    private readonly bool _checkStart;
    private readonly bool _checkEnd;
    private readonly double? _number;
    private readonly byte[]? _asciiLowerTerm;

    private TermMatcher(string term, bool isPrefix, bool matchNumbers)
    {
        _lowerTerm = term.ToLowerInvariant();
        _checkStart = WordChars.IsWordAt(term, 0);
        _checkEnd = !isPrefix && WordChars.IsWordBefore(term, term.Length);
        _number = matchNumbers && NumberText.TryParse(term, out var n) ? n : null;
        _asciiLowerTerm = Ascii.IsValid(term) ? Encoding.ASCII.GetBytes(_lowerTerm) : null;
    }

    /// <summary>A bare word: also matches a value that is the same number (<c>500</c> matches <c>500.0</c>).</summary>
    public static TermMatcher Word(string word) => new(word, isPrefix: false, matchNumbers: true);

    public static TermMatcher Phrase(string phrase) => new(phrase, isPrefix: false, matchNumbers: false);

    public static TermMatcher Prefix(string prefix) => new(prefix, isPrefix: true, matchNumbers: false);

    public override bool Matches(ReadOnlySpan<char> text)
    {
        if (_number is { } n && NumberText.TryParse(text, out var v) && v == n)
        {
            return true;
        }
        if (_lowerTerm.Length == 0)
        {
            return true;
        }
        if (text.Length < _lowerTerm.Length)
        {
            return false;
        }
        // An ASCII term in ASCII text: invariant lower-casing is ASCII lower-casing there, so a text
        // that lacks the term ignoring ASCII case cannot match (a vectorised search rules out most
        // values, e.g. the dictionary entries a block's metadata is judged by, without a copy).
        if (_asciiLowerTerm is not null && Ascii.IsValid(text) && text.IndexOf(_lowerTerm, StringComparison.OrdinalIgnoreCase) < 0)
        {
            return false;
        }
        char[]? rented = null;
        var lower = text.Length <= StackLimit ? stackalloc char[text.Length] : (rented = ArrayPool<char>.Shared.Rent(text.Length));
        try
        {
            // Invariant lower-casing maps each UTF-16 unit to one unit, so offsets in the copy are offsets in the text.
            var written = text.ToLowerInvariant(lower);
            return Find(text, lower[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// For an ASCII term over an ASCII value, the search runs on the bytes: invariant lower-casing of
    /// ASCII is ASCII lower-casing and word characters are ASCII letters, digits and <c>_</c>, so the
    /// answer is the one <see cref="Matches"/> gives, without decoding. Anything else takes that path.
    /// </summary>
    public override bool MatchesUtf8(ReadOnlySpan<byte> utf8)
    {
        var term = _asciiLowerTerm;
        if (term is null || _number is not null || term.Length == 0 || !Ascii.IsValid(utf8))
        {
            return base.MatchesUtf8(utf8);
        }
        var first = term[0];
        var firstUpper = first is >= (byte)'a' and <= (byte)'z' ? (byte)(first - 32) : first;
        var from = 0;
        while (from <= utf8.Length - term.Length)
        {
            var rest = utf8[from..];
            var found = first == firstUpper ? rest.IndexOf(first) : rest.IndexOfAny(first, firstUpper);
            if (found < 0)
            {
                return false;
            }
            var at = from + found;
            if (at > utf8.Length - term.Length)
            {
                return false;
            }
            if (Ascii.EqualsIgnoreCase(utf8.Slice(at, term.Length), term)
                && (!_checkStart || at == 0 || !Tokenizer.IsAsciiWordByte(utf8[at - 1]))
                && (!_checkEnd || at + term.Length == utf8.Length || !Tokenizer.IsAsciiWordByte(utf8[at + term.Length])))
            {
                return true;
            }
            from = at + 1;
        }
        return false;
    }

    private bool Find(ReadOnlySpan<char> text, ReadOnlySpan<char> lower)
    {
        var from = 0;
        while (from <= lower.Length - _lowerTerm.Length)
        {
            var found = lower[from..].IndexOf(_lowerTerm, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }
            var at = from + found;
            if ((!_checkStart || !WordChars.IsWordBefore(text, at)) && (!_checkEnd || !WordChars.IsWordAt(text, at + _lowerTerm.Length)))
            {
                return true;
            }
            from = at + 1;
        }
        return false;
    }
}
