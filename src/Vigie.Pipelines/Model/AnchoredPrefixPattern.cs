using System.Buffers;
using System.Text.RegularExpressions;

namespace Vigie.Pipelines.Model;

/// <summary>
/// A regex of the form the built-in conditions use, <c>^(\S+ \S+ \S+ \[|\d{4}\/\d\d\/\d\d )</c>,
/// tested straight on a value's UTF-8 bytes: anchored at the start, one level of alternatives, each a
/// sequence of single characters (a literal, <c>\S \s \d \w .</c>) taken once, <c>{n}</c> times, or
/// with <c>+</c> or <c>*</c> where what follows can never be the same character (so the greedy
/// run never has to give any back). The regex engine costs 150–250 ns per value for these on an
/// access line; this costs a few ns. Anything else (a character class, a <c>?</c>, a <c>$</c>,
/// options but <c>Compiled</c>, <c>NonBacktracking</c> and <c>CultureInvariant</c>) is not taken,
/// and a non-ASCII byte met before the answer is known leaves the answer to the regex, whose
/// <c>\d \s \w</c> know Unicode.
/// </summary>
internal sealed class AnchoredPrefixPattern
{
    private readonly Atom[][] _alternatives;

    /// <summary>
    /// Per alternative, an ASCII byte any match of it must hold after its first greedy run (its last
    /// one-character test after one, the <c>[</c> of <c>\S+ \S+ \S+ \[</c>), -1 for none: before the first
    /// run is followed, a value without it is answered no by one vectorised search (an access line a shipper
    /// already parsed has no <c>[</c>). Following three runs of varying lengths cost more, in mispredicted
    /// loop ends as much as in bytes. Exact: the byte stands for its character alone in UTF-8, whatever
    /// else the value holds.
    /// </summary>
    private readonly int[] _required;

    private AnchoredPrefixPattern(Atom[][] alternatives)
    {
        _alternatives = alternatives;
        _required = [.. alternatives.Select(RequiredByte)];
    }

    private static int RequiredByte(Atom[] atoms)
    {
        var required = -1;
        var afterRun = false;
        foreach (var atom in atoms)
        {
            afterRun |= atom.Greedy;
            if (afterRun && atom.Min > 0 && atom.Ascii.Count(member => member) == 1)
            {
                required = Array.IndexOf(atom.Ascii, true);
            }
        }
        return required;
    }

    /// <summary>
    /// One character test, repeated <see cref="Min"/> times, then as many times as it matches when
    /// <see cref="Greedy"/>. <see cref="Members"/> holds the same ASCII characters as <see cref="Ascii"/>:
    /// a greedy run (<c>\S+</c> over an address or a path) is found with a vectorised search for the
    /// first byte that is not one of them, instead of a test per byte.
    /// </summary>
    private readonly record struct Atom(bool[] Ascii, SearchValues<byte> Members, int Min, bool Greedy);

    /// <summary>The pattern in this form, or null when it is not (the regex then decides alone).</summary>
    public static AnchoredPrefixPattern? TryCompile(string pattern, RegexOptions options)
    {
        if ((options & ~(RegexOptions.Compiled | RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)) != 0
            || !pattern.StartsWith('^'))
        {
            return null;
        }
        var body = pattern.AsSpan(1);
        var grouped = true;
        if (body.StartsWith("(?:"))
        {
            body = body[3..];
            if (!body.EndsWith(")"))
            {
                return null;
            }
            body = body[..^1];
        }
        else if (body.StartsWith("(") && !body.StartsWith("(?"))
        {
            body = body[1..];
            if (!body.EndsWith(")"))
            {
                return null;
            }
            body = body[..^1];
        }
        else
        {
            grouped = false;
        }
        var alternatives = new List<Atom[]>();
        var start = 0;
        for (var i = 0; i <= body.Length; i++)
        {
            if (i < body.Length && body[i] == '\\')
            {
                i++;
                continue;
            }
            if (i < body.Length && body[i] == '|' && !grouped)
            {
                // ^a|b is (^a)|b: its second alternative is not anchored.
                return null;
            }
            if (i == body.Length || body[i] == '|')
            {
                if (Sequence(body[start..i]) is not { } atoms)
                {
                    return null;
                }
                alternatives.Add(atoms);
                start = i + 1;
            }
        }
        return new AnchoredPrefixPattern([.. alternatives]);
    }

    /// <summary>True or false when decided on ASCII bytes; null when a non-ASCII byte came first.</summary>
    public bool? Matches(ReadOnlySpan<byte> utf8)
    {
        var undecided = false;
        for (var a = 0; a < _alternatives.Length; a++)
        {
            switch (MatchesOne(_alternatives[a], _required[a], utf8))
            {
                case true:
                    return true;
                case null:
                    undecided = true;
                    break;
            }
        }
        return undecided ? null : false;
    }

    private static bool? MatchesOne(Atom[] atoms, int required, ReadOnlySpan<byte> utf8)
    {
        var at = 0;
        foreach (var atom in atoms)
        {
            for (var n = 0; n < atom.Min; n++, at++)
            {
                if (at == utf8.Length)
                {
                    return false;
                }
                var b = utf8[at];
                if (b >= 0x80)
                {
                    return null;
                }
                if (!atom.Ascii[b])
                {
                    return false;
                }
            }
            if (atom.Greedy && at < utf8.Length && utf8[at] < 0x80 && !atom.Ascii[utf8[at]])
            {
                // An empty run (or one the loop above ended): decided on one byte, without a search (<c>^\s*\{</c> on a value that starts with its brace).
                continue;
            }
            if (atom.Greedy)
            {
                // Before following a run: a value without the byte a match must hold cannot match (searched
                // in the whole value: the test that takes it may come before this run).
                if (required >= 0)
                {
                    if (!utf8.Contains((byte)required))
                    {
                        return false;
                    }
                    required = -1;
                }
                // The run ends at the first byte that is not a member: an ASCII one ends it, a wider
                // character's leaves the answer to the regex (the members are all ASCII).
                var run = utf8[at..].IndexOfAnyExcept(atom.Members);
                if (run < 0)
                {
                    at = utf8.Length;
                }
                else
                {
                    at += run;
                    if (utf8[at] >= 0x80)
                    {
                        return null;
                    }
                }
            }
        }
        return true;
    }

    private static Atom[]? Sequence(ReadOnlySpan<char> p)
    {
        var atoms = new List<Atom>();
        var i = 0;
        while (i < p.Length)
        {
            bool[]? set;
            if (p[i] == '\\')
            {
                if (i + 1 >= p.Length)
                {
                    return null;
                }
                set = Escape(p[i + 1]);
                i += 2;
            }
            else if (p[i] == '.')
            {
                set = Set(b => b != '\n');
                i++;
            }
            else if (p[i] < 0x80 && "()[]{}|?*+^$\\".IndexOf(p[i]) < 0 && !char.IsWhiteSpace(p[i]) || p[i] == ' ')
            {
                var c = p[i];
                set = Set(b => b == c);
                i++;
            }
            else
            {
                return null;
            }
            if (set is null)
            {
                return null;
            }
            var min = 1;
            var greedy = false;
            if (i < p.Length && p[i] is '+' or '*')
            {
                min = p[i] == '+' ? 1 : 0;
                greedy = true;
                i++;
            }
            else if (i < p.Length && p[i] == '{')
            {
                var close = p[i..].IndexOf('}');
                if (close < 0 || !int.TryParse(p.Slice(i + 1, close - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out min) || min is < 1 or > 64)
                {
                    return null;
                }
                i += close + 1;
            }
            if (i < p.Length && p[i] is '?' or '+' or '*' or '{')
            {
                // A lazy or possessive quantifier, or a second one.
                return null;
            }
            atoms.Add(new Atom(set, Members(set), min, greedy));
        }
        // A greedy run must end where what follows starts, or it might have to give back: no character
        // of it may be one the next tests take, up to the first test that must take one.
        for (var a = 0; a < atoms.Count; a++)
        {
            if (!atoms[a].Greedy)
            {
                continue;
            }
            for (var next = a + 1; next < atoms.Count; next++)
            {
                if (Overlap(atoms[a].Ascii, atoms[next].Ascii))
                {
                    return null;
                }
                if (atoms[next].Min > 0)
                {
                    break;
                }
            }
        }
        return [.. atoms];
    }

    private static bool[]? Escape(char c) => c switch
    {
        'd' => Set(b => b is >= '0' and <= '9'),
        'S' => Set(b => !IsSpace(b)),
        's' => Set(IsSpace),
        'w' => Set(b => b is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'),
        // An escaped punctuation character is itself; escaped letters and digits mean other things.
        _ when c < 0x80 && !char.IsAsciiLetterOrDigit(c) => Set(b => b == c),
        _ => null,
    };

    /// <summary>The ASCII characters of .NET's <c>\s</c>.</summary>
    private static bool IsSpace(int b) => b is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';

    private static bool[] Set(Func<int, bool> member)
    {
        var set = new bool[128];
        for (var b = 0; b < 128; b++)
        {
            set[b] = member(b);
        }
        return set;
    }

    private static SearchValues<byte> Members(bool[] ascii)
    {
        var members = new List<byte>();
        for (var b = 0; b < ascii.Length; b++)
        {
            if (ascii[b])
            {
                members.Add((byte)b);
            }
        }
        return SearchValues.Create([.. members]);
    }

    private static bool Overlap(bool[] a, bool[] b)
    {
        for (var i = 0; i < 128; i++)
        {
            if (a[i] && b[i])
            {
                return true;
            }
        }
        return false;
    }
}
