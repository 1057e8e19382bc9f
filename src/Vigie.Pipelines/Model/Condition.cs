using System.Text.RegularExpressions;
using Vigie.Core;
using Vigie.Query.Matching;
using Vigie.Query.Rows;
using Vigie.Query.Syntax;

namespace Vigie.Pipelines.Model;

/// <summary>
/// A pipeline's <c>if:</c>, a filter in the query language with the query engine's matching rules
/// (its <see cref="ValueMatcher"/>s). Besides the row form it has a batch form that tests field values
/// as the UTF-8 bytes the batch holds: every ingested event is tested against every pipeline, and
/// decoding values into strings for that would cost more than the copy of the event itself.
/// </summary>
public sealed class Condition
{
    private readonly Node _node;

    public Condition(string text, Filter filter, long nowNs)
    {
        ArgumentNullException.ThrowIfNull(filter);
        Text = text;
        Row = FilterCompiler.Compile(filter, nowNs);
        _node = Compile(filter, nowNs);
    }

    public string Text { get; }

    public RowMatcher Row { get; }

    public bool Matches(IRow row) => Row.Matches(row);

    internal bool Matches(EventBatch batch, int index, BatchEventRow row)
    {
        row.Index = index;
        return _node.Matches(batch, index, row);
    }

    internal bool Matches(SpanEvent e) => _node.Matches(e);

    /// <summary>The fields whose value this condition compares (not by regex): what a per-stream choice of pipelines can key on.</summary>
    internal IEnumerable<string> ComparedFields()
    {
        var names = new List<string>();
        _node.Compared(names);
        return names;
    }

    /// <summary>
    /// This condition for the events whose fields <paramref name="known"/> answers have those values:
    /// the tests of those fields replaced by their outcome. The result may always or never hold, or
    /// hold a smaller test of the other fields; on such events it answers as this condition does.
    /// </summary>
    internal Specialised Specialise(KnownField known) => new(_node.Specialise(known));

    /// <summary>Whether a field's value is known and, when it is, the value's bytes (null: the event has no such field).</summary>
    internal delegate bool KnownField(string name, out byte[]? value);

    /// <summary>A condition with some fields' values fixed (<see cref="Specialise"/>).</summary>
    internal sealed class Specialised
    {
        private readonly Node _node;

        internal Specialised(Node node) => _node = node;

        public bool Always => _node is All;

        public bool Never => _node is None;

        public bool Matches(EventBatch batch, int index, BatchEventRow row)
        {
            row.Index = index;
            return _node.Matches(batch, index, row);
        }

        public bool Matches(SpanEvent e) => _node.Matches(e);
    }

    private static Node Compile(Filter filter, long nowNs) => filter switch
    {
        AllFilter => new All(),
        AndFilter a => Junction.And(Cheapest([.. a.Filters.Select(f => Compile(f, nowNs))])),
        OrFilter o => Junction.Or(Cheapest([.. o.Filters.Select(f => Compile(f, nowNs))])),
        NotFilter n => new Not(Compile(n.Operand, nowNs)),
        RegexFilter r when r.Field is not (FieldNames.Time or FieldNames.Stream) => new Field(r.Field, new Utf8RegexMatcher(r), cost: 2),
        FieldFilter f when f.Field is not (FieldNames.Time or FieldNames.Stream) => new Field(f.Field, ValueMatchers.For(f), cost: 1),
        _ => new Fallback(FilterCompiler.Compile(filter, nowNs)),
    };

    /// <summary>
    /// The operands of an AND or an OR, cheapest first: they have no side effect, so the answer is the
    /// same, and <c>service:nginx AND _msg:/.../</c> rarely needs its regex.
    /// </summary>
    private static Node[] Cheapest(Node[] operands)
    {
        // A stable sort: operands of the same cost keep the order they were written in.
        return [.. operands.Select((o, i) => (o, i)).OrderBy(x => x.o.Cost).ThenBy(x => x.i).Select(x => x.o)];
    }

    /// <summary>
    /// The filter's regex built for ingestion, where it runs on every event: without backtracking (linear
    /// in the value, so it needs no timeout, whose bookkeeping costs more than these short matches) when
    /// the pattern allows, else compiled with the filter's timeout. Whether it matches is the same.
    /// </summary>
    private static Regex FastRegex(RegexFilter r)
    {
        try
        {
            return new Regex(r.Pattern, r.Regex.Options | RegexOptions.NonBacktracking, Regex.InfiniteMatchTimeout);
        }
        catch (NotSupportedException)
        {
            return new Regex(r.Pattern, r.Regex.Options | RegexOptions.Compiled, r.Regex.MatchTimeout);
        }
    }

    /// <summary>
    /// A regex tested on UTF-8 bytes widened into a buffer kept per thread (a stackalloc would be cleared on every event).
    /// The shape of the pattern is read from the filter's own regex (same pattern and options); the regex that runs
    /// (<see cref="FastRegex"/>) is built at its first use: most built-in conditions are decided on the bytes
    /// (<see cref="AnchoredPrefixPattern"/>) or never see a value, and a regex without backtracking keeps about
    /// 100 KB of automaton for as long as the server runs.
    /// </summary>
    private sealed class Utf8RegexMatcher(RegexFilter filter) : ValueMatcher
    {
        private Regex? _fast;

        /// <summary>Bytes of the value tried first when <see cref="_prefixFirst"/>.</summary>
        private const int Prefix = 64;

        [ThreadStatic]
        private static char[]? t_chars;

        /// <summary>
        /// Anchored at the start and blind to what follows a match (no <c>$</c>, <c>\b</c>, <c>\z</c>, lookaround):
        /// a match in the first bytes of a value is a match in the whole value, and <c>^...</c> patterns (the
        /// built-ins' <c>_msg:/^.../</c>) match there, so most values are not widened whole.
        /// </summary>
        private readonly bool _prefixFirst = PrefixDecidesMatch(filter.Regex);

        public override bool Matches(ReadOnlySpan<char> text) => IsMatch(text);

        /// <summary>
        /// Per ASCII byte, whether a match can start with it (after ASCII white space when it says so);
        /// null when the pattern's start says nothing simple. <c>^\s*\{</c> (JSON application logs), tested on
        /// every event the pipelines before it leave, then rejects an access line on its first byte.
        /// </summary>
        private readonly (bool[]? Bytes, bool SkipSpaces) _first = FirstBytes(filter.Regex);

        /// <summary>The built-ins' <c>^(...|...)</c> conditions, tested on the bytes without the regex engine when it has their form.</summary>
        private readonly AnchoredPrefixPattern? _anchored = AnchoredPrefixPattern.TryCompile(filter.Pattern, filter.Regex.Options);

        public override bool MatchesUtf8(ReadOnlySpan<byte> utf8)
        {
            if (_anchored?.Matches(utf8) is { } decided)
            {
                return decided;
            }
            if (_first.Bytes is { } first)
            {
                var i = 0;
                while (_first.SkipSpaces && i < utf8.Length && utf8[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r')
                {
                    i++;
                }
                // Past the end, or an ASCII byte no match starts with: no match. A byte of a wider character
                // (a Unicode space or digit) is left to the regex.
                if (i == utf8.Length || (utf8[i] < 0x80 && !first[utf8[i]]))
                {
                    return false;
                }
            }
            var chars = t_chars;
            if (chars is null || chars.Length < utf8.Length)
            {
                chars = t_chars = new char[Math.Max(1024, utf8.Length)];
            }
            if (_prefixFirst && utf8.Length > Prefix)
            {
                // Cut on a character boundary, so that the prefix widens to the start of what the whole does.
                var cut = Prefix;
                while (cut > 0 && (utf8[cut] & 0xC0) == 0x80)
                {
                    cut--;
                }
                var m = System.Text.Encoding.UTF8.GetChars(utf8[..cut], chars);
                if (IsMatch(chars.AsSpan(0, m)))
                {
                    return true;
                }
            }
            var n = System.Text.Encoding.UTF8.GetChars(utf8, chars);
            return IsMatch(chars.AsSpan(0, n));
        }

        /// <summary>
        /// The ASCII bytes a match must start with, for patterns of the form <c>^X</c> or <c>^\s*X</c> where X is
        /// one literal character (escaped or not) or <c>\d</c>, not optional, in a pattern without alternation or
        /// options that change what <c>^</c> or a letter matches; null for anything else (the regex decides alone).
        /// </summary>
        private static (bool[]? Bytes, bool SkipSpaces) FirstBytes(Regex regex)
        {
            var skipSpaces = false;
            var p = regex.ToString();
            if (!p.StartsWith('^') || p.Contains('|', StringComparison.Ordinal)
                || (regex.Options & (RegexOptions.Multiline | RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace | RegexOptions.RightToLeft)) != 0)
            {
                return (null, false);
            }
            var i = 1;
            if (p.AsSpan(i).StartsWith(@"\s*", StringComparison.Ordinal))
            {
                skipSpaces = true;
                i += 3;
                if (i < p.Length && p[i] == '?')
                {
                    i++;
                }
            }
            if (i >= p.Length)
            {
                return (null, false);
            }
            var first = new bool[128];
            if (p[i] == '\\' && i + 1 < p.Length)
            {
                var c = p[i + 1];
                if (c == 'd')
                {
                    for (var d = '0'; d <= '9'; d++)
                    {
                        first[d] = true;
                    }
                }
                else if (c < 128 && !char.IsAsciiLetterOrDigit(c) && !char.IsWhiteSpace(c))
                {
                    first[c] = true;
                }
                else
                {
                    return (null, false);
                }
                i += 2;
            }
            else if (p[i] < 128 && (char.IsAsciiLetterOrDigit(p[i]) || " =:_-/<>@,;%!'\"#&~".Contains(p[i], StringComparison.Ordinal)))
            {
                first[p[i]] = true;
                i++;
            }
            else
            {
                return (null, false);
            }
            // The character must be there: not followed by a quantifier that allows none (*, ?, {0...).
            if (i < p.Length && (p[i] is '*' or '?' || (p[i] == '{' && (i + 1 >= p.Length || p[i + 1] is < '1' or > '9'))))
            {
                return (null, false);
            }
            return (first, skipSpaces);
        }

        private static bool PrefixDecidesMatch(Regex regex)
        {
            var p = regex.ToString();
            if (!p.StartsWith('^') || (regex.Options & (RegexOptions.RightToLeft | RegexOptions.IgnorePatternWhitespace)) != 0)
            {
                return false;
            }
            // Conservative: an escaped '$' or a '\\b' that is really a backslash then 'b' only lose the shortcut.
            return p.IndexOf('$') < 0 && !p.Contains("(?=", StringComparison.Ordinal) && !p.Contains("(?!", StringComparison.Ordinal)
                && !p.Contains("(?<=", StringComparison.Ordinal) && !p.Contains("(?<!", StringComparison.Ordinal)
                && !Regex.IsMatch(p, @"\(\?[imnsx-]*x") && !p.Contains("\\b", StringComparison.Ordinal) && !p.Contains("\\B", StringComparison.Ordinal)
                && !p.Contains("\\z", StringComparison.Ordinal) && !p.Contains("\\Z", StringComparison.Ordinal) && !p.Contains("\\G", StringComparison.Ordinal);
        }

        /// <summary>Two threads may both build it on their first values: the same regex, the first one kept.</summary>
        private Regex Built()
        {
            var built = FastRegex(filter);
            return Interlocked.CompareExchange(ref _fast, built, null) ?? built;
        }

        /// <summary>
        /// A pattern that needs backtracking keeps its timeout; an event on which it runs out is not
        /// selected (stored as it came) rather than failing the whole request.
        /// </summary>
        private bool IsMatch(ReadOnlySpan<char> text)
        {
            var regex = Volatile.Read(ref _fast) ?? Built();
            try
            {
                return regex.IsMatch(text);
            }
            catch (RegexMatchTimeoutException)
            {
                return false;
            }
        }
    }

    internal abstract class Node
    {
        /// <summary>A rough rank of what testing it costs: a value compared, a regex run, a row built.</summary>
        public virtual int Cost => 3;

        public abstract bool Matches(EventBatch batch, int index, BatchEventRow row);

        public abstract bool Matches(SpanEvent e);

        /// <summary>Adds the names of the fields compared by value (see <see cref="ComparedFields"/>).</summary>
        public virtual void Compared(List<string> names)
        {
        }

        /// <summary>See <see cref="Condition.Specialise"/>: <see cref="All"/>, <see cref="None"/> or what is left to test.</summary>
        public virtual Node Specialise(KnownField known) => this;
    }

    private sealed class All : Node
    {
        public override int Cost => 0;

        public override bool Matches(EventBatch batch, int index, BatchEventRow row) => true;

        public override bool Matches(SpanEvent e) => true;
    }

    /// <summary>Never holds: what a specialised condition becomes when the known values already say no.</summary>
    private sealed class None : Node
    {
        public override int Cost => 0;

        public override bool Matches(EventBatch batch, int index, BatchEventRow row) => false;

        public override bool Matches(SpanEvent e) => false;
    }

    /// <summary>
    /// AND (<paramref name="isAnd"/>) or OR of its operands: the two are duals, so one class holds both.
    /// An operand that matches differently from <paramref name="isAnd"/> decides the answer.
    /// </summary>
    private sealed class Junction(Node[] operands, bool isAnd) : Node
    {
        public static Junction And(Node[] operands) => new(operands, isAnd: true);

        public static Junction Or(Node[] operands) => new(operands, isAnd: false);

        public override int Cost => operands.Max(o => o.Cost);

        public override void Compared(List<string> names)
        {
            foreach (var o in operands)
            {
                o.Compared(names);
            }
        }

        public override Node Specialise(KnownField known)
        {
            var left = new List<Node>();
            foreach (var o in operands)
            {
                var s = o.Specialise(known);
                if (isAnd ? s is None : s is All)
                {
                    return s;
                }
                if (isAnd ? s is not All : s is not None)
                {
                    left.Add(s);
                }
            }
            return left.Count switch
            {
                0 => isAnd ? new All() : new None(),
                1 => left[0],
                _ => new Junction([.. left], isAnd),
            };
        }

        public override bool Matches(EventBatch batch, int index, BatchEventRow row)
        {
            foreach (var o in operands)
            {
                if (o.Matches(batch, index, row) != isAnd)
                {
                    return !isAnd;
                }
            }
            return isAnd;
        }

        public override bool Matches(SpanEvent e)
        {
            foreach (var o in operands)
            {
                if (o.Matches(e) != isAnd)
                {
                    return !isAnd;
                }
            }
            return isAnd;
        }
    }

    private sealed class Not(Node operand) : Node
    {
        public override int Cost => operand.Cost;

        public override void Compared(List<string> names) => operand.Compared(names);

        public override Node Specialise(KnownField known) => operand.Specialise(known) switch
        {
            All => new None(),
            None => new All(),
            var s => ReferenceEquals(s, operand) ? this : new Not(s),
        };

        public override bool Matches(EventBatch batch, int index, BatchEventRow row) => !operand.Matches(batch, index, row);

        public override bool Matches(SpanEvent e) => !operand.Matches(e);
    }

    /// <summary>As <see cref="FieldRowMatcher"/>: false when the event lacks the field, else the value test on its bytes.</summary>
    private sealed class Field(string name, ValueMatcher values, int cost) : Node
    {
        private readonly int _slot = ConditionSlots.Add(name);

        public override int Cost => cost;

        public override void Compared(List<string> names)
        {
            // A value compared (cost 1), not a regex: the kind of test a stream's fields get (service:nginx).
            if (cost == 1)
            {
                names.Add(name);
            }
        }

        public override Node Specialise(KnownField known)
        {
            if (!known(name, out var value))
            {
                return this;
            }
            return value is not null && values.MatchesUtf8(value) ? new All() : new None();
        }

        public override bool Matches(EventBatch batch, int index, BatchEventRow row)
        {
            var f = row.FieldOf(index, _slot);
            return f >= 0 && values.MatchesUtf8(batch.GetValue(f));
        }

        public override bool Matches(SpanEvent e)
        {
            var i = e.IndexOf(name);
            return i >= 0 && values.MatchesUtf8(e.Value(i));
        }
    }

    private sealed class Fallback(RowMatcher matcher) : Node
    {
        public override bool Matches(EventBatch batch, int index, BatchEventRow row)
        {
            row.Index = index;
            return matcher.Matches(row);
        }

        public override bool Matches(SpanEvent e) => matcher.Matches(e);
    }
}
