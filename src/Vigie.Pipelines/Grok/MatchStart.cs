using System.Text.RegularExpressions;

namespace Vigie.Pipelines.Grok;

/// <summary>
/// The first two characters a match of an anchored grok regex (<c>^...</c>) can begin with, read from
/// the expanded pattern: a line that begins otherwise is turned away without the regex. Large grok
/// regexes (sshd's, with <c>%{IP}</c> and <c>%{SYSLOGHOST}</c>) cost half a microsecond or more even
/// when they fail on the first characters, and pipelines try several in a row on every line;
/// <c>sshd[42]: Accepted ...</c> is not a match of sshd's first pattern (its optional syslog prefix
/// begins with a month, <c>Se</c>, its body with <c>Accepted</c> or <c>Failed</c>), which two
/// characters show.
/// </summary>
/// <remarks>
/// A superset, never less: what it does not read exactly widens the answer. Zero-width parts
/// (<c>^ $ \b</c>, lookarounds) count as empty; a repeat counts as at most two copies; a character
/// beyond ASCII, in the line or in what the pattern allows, is left to the regex (its classes know
/// Unicode). Anything it does not know at all (backreferences, inline options, conditionals, Unicode
/// categories) or a pattern that may match the empty string gives no filter. A property test holds
/// it to the regex on real, mutated and random lines of every built-in pattern.
/// </remarks>
internal sealed class MatchStart
{
    /// <summary>Per ASCII first character, whether a match may end after it: no second look.</summary>
    private readonly bool[] _any = new bool[128];

    /// <summary>Per ASCII first character, the ASCII second characters a match may have (bit per character).</summary>
    private readonly UInt128[] _second = new UInt128[128];

    private MatchStart()
    {
    }

    /// <summary>The filter of <paramref name="regex"/>; null when it has none (not anchored, an option or a construct not read, may match empty).</summary>
    public static MatchStart? For(Regex regex)
    {
        ArgumentNullException.ThrowIfNull(regex);
        return For(regex.ToString(), regex.Options);
    }

    /// <summary>The filter of the regex <paramref name="pattern"/> with <paramref name="options"/>; null when it has none.</summary>
    public static MatchStart? For(string pattern, RegexOptions options)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if ((options & ~(RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture | RegexOptions.Compiled)) != 0)
        {
            return null;
        }
        try
        {
            var parser = new Parser(pattern);
            if (!parser.StartsAnchored())
            {
                return null;
            }
            var terms = parser.Alternation();
            if (!parser.AtEnd)
            {
                return null;
            }
            var start = new MatchStart();
            foreach (var term in terms)
            {
                if (term.Length == 0)
                {
                    return null;
                }
                for (var c = 0; c < 128; c++)
                {
                    if (!term.First.Has(c))
                    {
                        continue;
                    }
                    if (term.Length == 1)
                    {
                        start._any[c] = true;
                    }
                    else
                    {
                        // A second character beyond ASCII is not looked up: MayMatch says yes to any.
                        start._second[c] |= term.Second.Bits;
                    }
                }
            }
            return start;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>False when no match can begin the way <paramref name="utf8"/> does; true when one may (the regex decides).</summary>
    public bool MayMatch(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 0)
        {
            // No term is empty: no match is.
            return false;
        }
        var b0 = utf8[0];
        if (b0 >= 0x80 || _any[b0])
        {
            return true;
        }
        if (utf8.Length < 2)
        {
            return false;
        }
        var b1 = utf8[1];
        return b1 >= 0x80 || (_second[b0] & (UInt128.One << b1)) != UInt128.Zero;
    }

    /// <summary>A set of characters: the ASCII ones by bit, and whether it holds any character beyond ASCII.</summary>
    private readonly record struct CharSet(UInt128 Bits, bool Wide)
    {
        public static readonly CharSet Empty = new(UInt128.Zero, false);

        public bool Has(int c) => (Bits & (UInt128.One << c)) != UInt128.Zero;

        public static CharSet Of(char c) => c < 128 ? new(UInt128.One << c, false) : new(UInt128.Zero, true);

        public static CharSet Range(char from, char to)
        {
            var bits = UInt128.Zero;
            for (int c = from; c <= Math.Min((int)to, 127); c++)
            {
                bits |= UInt128.One << c;
            }
            return new(bits, to >= 128);
        }

        public CharSet Union(CharSet other) => new(Bits | other.Bits, Wide || other.Wide);

        /// <summary>The complement among ASCII characters; beyond ASCII, kept as possible.</summary>
        public CharSet Negate() => new(~Bits, true);
    }

    /// <summary>The first characters of some matches: <see cref="Length"/> 0 (empty), 1 (a match may end after one) or 2.</summary>
    private readonly record struct Term(int Length, CharSet First, CharSet Second);

    /// <summary>
    /// A recursive reader of .NET regex syntax as grok expansion writes it, giving each part's possible
    /// beginnings as terms (a union). Throws <see cref="NotSupportedException"/> on what it does not know.
    /// </summary>
    private sealed class Parser(string p)
    {
        private const int MaxTerms = 512;

        private int _i;

        public bool AtEnd => _i == p.Length;

        public bool StartsAnchored()
        {
            if (_i < p.Length && p[_i] == '^')
            {
                _i++;
                // No top-level alternation: "^a|b" is "(^a)|b", whose second branch may start anywhere.
                return !HasTopLevelBar();
            }
            return false;
        }

        private bool HasTopLevelBar()
        {
            var depth = 0;
            var inClass = false;
            for (var j = _i; j < p.Length; j++)
            {
                var c = p[j];
                if (c == '\\')
                {
                    j++;
                    continue;
                }
                if (inClass)
                {
                    inClass = c != ']';
                    continue;
                }
                switch (c)
                {
                    case '[':
                        inClass = true;
                        // A ']' first in a class is a character of it.
                        if (j + 1 < p.Length && p[j + 1] == '^')
                        {
                            j++;
                        }
                        if (j + 1 < p.Length && p[j + 1] == ']')
                        {
                            j++;
                        }
                        break;
                    case '(':
                        depth++;
                        break;
                    case ')':
                        depth--;
                        break;
                    case '|' when depth == 0:
                        return true;
                }
            }
            return false;
        }

        /// <summary>Branches separated by <c>|</c>, up to a <c>)</c> or the end.</summary>
        public List<Term> Alternation()
        {
            var result = Sequence();
            while (_i < p.Length && p[_i] == '|')
            {
                _i++;
                result = Union(result, Sequence());
            }
            return result;
        }

        private List<Term> Sequence()
        {
            List<Term> result = [new Term(0, CharSet.Empty, CharSet.Empty)];
            while (_i < p.Length && p[_i] is not ('|' or ')'))
            {
                var atom = Quantified(Atom());
                result = Concat(result, atom);
            }
            return result;
        }

        private List<Term> Quantified(List<Term> atom)
        {
            if (_i >= p.Length)
            {
                return atom;
            }
            int min;
            bool more;
            switch (p[_i])
            {
                case '?':
                    min = 0;
                    more = false;
                    _i++;
                    break;
                case '*':
                    min = 0;
                    more = true;
                    _i++;
                    break;
                case '+':
                    min = 1;
                    more = true;
                    _i++;
                    break;
                case '{' when TryRepeat(out min, out more):
                    break;
                default:
                    return atom;
            }
            // Lazy or possessive marks change which match is found, not which can be.
            if (_i < p.Length && p[_i] is '?' or '+')
            {
                _i++;
            }
            // Two copies give every beginning of two characters that more copies can.
            var required = Math.Min(min, 2);
            List<Term> result = [new Term(0, CharSet.Empty, CharSet.Empty)];
            for (var k = 0; k < required; k++)
            {
                result = Concat(result, atom);
            }
            if (more || min == 0)
            {
                var optional = Union([new Term(0, CharSet.Empty, CharSet.Empty)], atom);
                result = Concat(result, Concat(optional, optional));
            }
            return result;
        }

        private bool TryRepeat(out int min, out bool more)
        {
            min = 0;
            more = false;
            var close = p.IndexOf('}', _i);
            if (close < 0)
            {
                return false;
            }
            var body = p.AsSpan(_i + 1, close - _i - 1);
            var comma = body.IndexOf(',');
            var low = comma < 0 ? body : body[..comma];
            if (!int.TryParse(low, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out min))
            {
                // Not a quantifier: .NET reads "{" as a literal then.
                throw new NotSupportedException();
            }
            if (comma >= 0)
            {
                var high = body[(comma + 1)..];
                more = high.Length == 0 || !int.TryParse(high, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var max) || max > min;
            }
            _i = close + 1;
            return true;
        }

        private List<Term> Atom()
        {
            var c = p[_i];
            switch (c)
            {
                case '(':
                    return Group();
                case '[':
                    return One(Class());
                case '.':
                    _i++;
                    return One(CharSet.Of('\n').Negate());
                case '^' or '$':
                    _i++;
                    return [new Term(0, CharSet.Empty, CharSet.Empty)];
                case '\\':
                    return Escape();
                case '*' or '+' or '?' or '{':
                    throw new NotSupportedException();
                default:
                    _i++;
                    return One(CharSet.Of(c));
            }
        }

        private List<Term> Group()
        {
            _i++;
            var zeroWidth = false;
            if (_i < p.Length && p[_i] == '?')
            {
                _i++;
                if (_i >= p.Length)
                {
                    throw new NotSupportedException();
                }
                switch (p[_i])
                {
                    case ':' or '>':
                        _i++;
                        break;
                    case '=' or '!':
                        _i++;
                        zeroWidth = true;
                        break;
                    case '<' when _i + 1 < p.Length && p[_i + 1] is '=' or '!':
                        _i += 2;
                        zeroWidth = true;
                        break;
                    case '<' or '\'':
                        var end = p[_i] == '<' ? '>' : '\'';
                        var close = p.IndexOf(end, _i + 1);
                        if (close < 0 || !IsGroupName(p.AsSpan(_i + 1, close - _i - 1)))
                        {
                            throw new NotSupportedException();
                        }
                        _i = close + 1;
                        break;
                    default:
                        // Inline options, conditionals, balancing groups.
                        throw new NotSupportedException();
                }
            }
            var inner = Alternation();
            if (_i >= p.Length || p[_i] != ')')
            {
                throw new NotSupportedException();
            }
            _i++;
            return zeroWidth ? [new Term(0, CharSet.Empty, CharSet.Empty)] : inner;
        }

        private static bool IsGroupName(ReadOnlySpan<char> name) =>
            name.Length > 0 && !name.ContainsAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

        private List<Term> Escape()
        {
            if (_i + 1 >= p.Length)
            {
                throw new NotSupportedException();
            }
            var c = p[_i + 1];
            switch (c)
            {
                case 'b' or 'B' or 'A' or 'z' or 'Z' or 'G':
                    _i += 2;
                    return [new Term(0, CharSet.Empty, CharSet.Empty)];
                default:
                    return One(ClassEscape());
            }
        }

        /// <summary>An escape that stands for characters (in or out of a class): <c>\d \w \s</c>, their negations, control and hex escapes, punctuation.</summary>
        private CharSet ClassEscape()
        {
            var c = p[_i + 1];
            _i += 2;
            switch (c)
            {
                case 'd':
                    return CharSet.Range('0', '9') with { Wide = true };
                case 'D':
                    return CharSet.Range('0', '9').Negate();
                case 'w':
                    return CharSet.Range('a', 'z').Union(CharSet.Range('A', 'Z')).Union(CharSet.Range('0', '9')).Union(CharSet.Of('_')) with { Wide = true };
                case 'W':
                    return CharSet.Range('a', 'z').Union(CharSet.Range('A', 'Z')).Union(CharSet.Range('0', '9')).Union(CharSet.Of('_')).Negate();
                case 's':
                    return Spaces() with { Wide = true };
                case 'S':
                    return Spaces().Negate();
                case 't':
                    return CharSet.Of('\t');
                case 'n':
                    return CharSet.Of('\n');
                case 'r':
                    return CharSet.Of('\r');
                case 'f':
                    return CharSet.Of('\f');
                case 'v':
                    return CharSet.Of('\v');
                case 'e':
                    return CharSet.Of('\u001b');
                case 'x' when _i + 2 <= p.Length && IsHex(p.AsSpan(_i, 2)):
                    var x = (char)Convert.ToInt32(p.Substring(_i, 2), 16);
                    _i += 2;
                    return CharSet.Of(x);
                case 'u' when _i + 4 <= p.Length && IsHex(p.AsSpan(_i, 4)):
                    var u = (char)Convert.ToInt32(p.Substring(_i, 4), 16);
                    _i += 4;
                    return CharSet.Of(u);
                default:
                    // Escaped punctuation is itself; an escaped letter or digit means something this does not read.
                    if (c < 128 && !char.IsAsciiLetterOrDigit(c) && c != '_')
                    {
                        return CharSet.Of(c);
                    }
                    throw new NotSupportedException();
            }
        }

        private static bool IsHex(ReadOnlySpan<char> s) => !s.ContainsAnyExcept("0123456789abcdefABCDEF");

        /// <summary>The ASCII characters of .NET's <c>\s</c>.</summary>
        private static CharSet Spaces() => CharSet.Of(' ').Union(CharSet.Range('\t', '\r'));

        private CharSet Class()
        {
            _i++;
            var negate = _i < p.Length && p[_i] == '^';
            if (negate)
            {
                _i++;
            }
            var set = CharSet.Empty;
            var first = true;
            while (true)
            {
                if (_i >= p.Length)
                {
                    throw new NotSupportedException();
                }
                var c = p[_i];
                if (c == ']' && !first)
                {
                    _i++;
                    break;
                }
                first = false;
                if (c == '[' || (c == '-' && _i + 1 < p.Length && p[_i + 1] == '['))
                {
                    // Subtraction and nested classes.
                    throw new NotSupportedException();
                }
                CharSet member;
                char? single = null;
                if (c == '\\')
                {
                    if (_i + 1 >= p.Length)
                    {
                        throw new NotSupportedException();
                    }
                    var e = p[_i + 1];
                    if (e is 'p' or 'P')
                    {
                        throw new NotSupportedException();
                    }
                    if (e == 'b')
                    {
                        // In a class, \b is the backspace character.
                        _i += 2;
                        member = CharSet.Of('\b');
                        single = '\b';
                    }
                    else
                    {
                        member = ClassEscape();
                        if (e is not ('d' or 'D' or 'w' or 'W' or 's' or 'S'))
                        {
                            single = Single(member);
                        }
                    }
                }
                else
                {
                    _i++;
                    member = CharSet.Of(c);
                    single = c;
                }
                if (single is { } from && _i + 1 < p.Length && p[_i] == '-' && p[_i + 1] != ']')
                {
                    _i++;
                    char to;
                    if (p[_i] == '\\')
                    {
                        if (_i + 1 < p.Length && p[_i + 1] is 'd' or 'D' or 'w' or 'W' or 's' or 'S' or 'p' or 'P')
                        {
                            throw new NotSupportedException();
                        }
                        to = Single(ClassEscape()) ?? throw new NotSupportedException();
                    }
                    else
                    {
                        to = p[_i];
                        _i++;
                    }
                    if (to < from)
                    {
                        throw new NotSupportedException();
                    }
                    member = CharSet.Range(from, to);
                }
                set = set.Union(member);
            }
            return negate ? set.Negate() : set;
        }

        /// <summary>The one character of a set made by <see cref="CharSet.Of"/>; null for a set beyond ASCII.</summary>
        private static char? Single(CharSet set)
        {
            if (set.Wide)
            {
                // Its code is lost; a range from or to it is not read.
                return null;
            }
            for (var c = 0; c < 128; c++)
            {
                if (set.Has(c))
                {
                    return (char)c;
                }
            }
            return null;
        }

        private static List<Term> One(CharSet set) => [new Term(1, set, CharSet.Empty)];

        private static List<Term> Union(List<Term> a, List<Term> b) => Merge([.. a, .. b]);

        private static List<Term> Concat(List<Term> a, List<Term> b)
        {
            var result = new List<Term>();
            foreach (var x in a)
            {
                if (x.Length == 2)
                {
                    result.Add(x);
                    continue;
                }
                foreach (var y in b)
                {
                    result.Add(x.Length == 0 ? y : y.Length == 0 ? x : new Term(2, x.First, y.First));
                }
            }
            return Merge(result);
        }

        /// <summary>Terms of the same length and first set become one (the union of their second sets): the same beginnings.</summary>
        private static List<Term> Merge(List<Term> terms)
        {
            var merged = new List<Term>();
            foreach (var t in terms)
            {
                var k = merged.FindIndex(m => m.Length == t.Length && m.First == t.First);
                if (k < 0)
                {
                    merged.Add(t);
                }
                else if (t.Length == 2)
                {
                    merged[k] = merged[k] with { Second = merged[k].Second.Union(t.Second) };
                }
            }
            if (merged.Count > MaxTerms)
            {
                throw new NotSupportedException();
            }
            return merged;
        }
    }
}
