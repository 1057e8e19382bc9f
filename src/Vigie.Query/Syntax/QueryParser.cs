using System.Globalization;
using System.Text;
using Vigie.Core;

namespace Vigie.Query.Syntax;

/// <summary>
/// Recursive descent over the characters, without a separate lexer: what a character means depends on
/// where it stands (a <c>-</c> starts a NOT before a term but is part of <c>web-1</c>).
/// </summary>
internal sealed class QueryParser(string text)
{
    private const string PipeNames = "stats, sort, limit, fields, where or top";

    private readonly string _text = text;
    private int _pos;

    private bool AtEnd => _pos >= _text.Length;

    private char Peek => _pos < _text.Length ? _text[_pos] : '\0';

    public Query ParseQuery()
    {
        SkipSpace();
        var filter = AtEnd || Peek == '|' ? AllFilter.Instance : ParseTopFilter("expected a filter");
        var pipes = new List<Pipe>();
        while (!AtEnd)
        {
            _pos++; // the '|'
            pipes.Add(ParsePipe());
        }
        return new Query(filter, pipes);
    }

    private Filter ParseTopFilter(string expected)
    {
        var filter = ParseOr(expected);
        SkipSpace();
        if (Peek == ')')
        {
            throw Error("unexpected ')'");
        }
        return filter;
    }

    private Filter ParseOr(string expected)
    {
        var items = new List<Filter> { ParseAnd(expected) };
        while (true)
        {
            SkipSpace();
            if (!AtKeyword("OR"))
            {
                break;
            }
            _pos += 2;
            items.Add(ParseAnd("expected a filter after 'OR'"));
        }
        return items.Count == 1 ? items[0] : new OrFilter(items);
    }

    private Filter ParseAnd(string expected)
    {
        var items = new List<Filter> { ParseUnary(expected) };
        while (true)
        {
            SkipSpace();
            if (AtKeyword("AND"))
            {
                _pos += 3;
                items.Add(ParseUnary("expected a filter after 'AND'"));
                continue;
            }
            if (AtEnd || Peek is ')' or '|' || AtKeyword("OR"))
            {
                break;
            }
            items.Add(ParseUnary("expected a filter"));
        }
        return items.Count == 1 ? items[0] : new AndFilter(items);
    }

    private Filter ParseUnary(string expected)
    {
        SkipSpace();
        if (AtKeyword("NOT"))
        {
            _pos += 3;
            return new NotFilter(ParseUnary("expected a filter after 'NOT'"));
        }
        if (Peek == '-')
        {
            _pos++;
            if (AtEnd || char.IsWhiteSpace(Peek) || Peek is ')' or '|')
            {
                throw Error("expected a filter right after '-'");
            }
            return new NotFilter(ParseUnary("expected a filter right after '-'"));
        }
        return ParsePrimary(expected);
    }

    private Filter ParsePrimary(string expected)
    {
        if (AtEnd || Peek is ')' or '|' || AtKeyword("AND") || AtKeyword("OR"))
        {
            throw Error(expected);
        }
        if (Peek == '(')
        {
            _pos++;
            var inner = ParseOr("expected a filter after '('");
            SkipSpace();
            if (Peek != ')')
            {
                throw Error("expected ')'");
            }
            _pos++;
            return inner;
        }
        if (Peek == '"')
        {
            var start = _pos;
            var quoted = ReadQuoted();
            if (Peek == ':')
            {
                if (quoted.Length == 0)
                {
                    throw Error("a field name cannot be empty", start);
                }
                _pos++;
                return ParseFieldValue(quoted);
            }
            return FinishQuoted(FieldNames.Message, quoted);
        }
        if (Lexicon.IsFieldChar(Peek))
        {
            var start = _pos;
            while (!AtEnd && Lexicon.IsFieldChar(Peek))
            {
                _pos++;
            }
            if (Peek == ':')
            {
                var field = _text[start.._pos];
                _pos++;
                return ParseFieldValue(field);
            }
            _pos = start;
        }
        return ParseBareValue(FieldNames.Message, fieldless: true);
    }

    private Filter ParseFieldValue(string field)
    {
        if (AtEnd || (Lexicon.IsStop(Peek) && Peek != '"'))
        {
            throw Error("expected a value after ':'");
        }
        switch (Peek)
        {
            case '"':
                return FinishQuoted(field, ReadQuoted());
            case '[' or '{':
                return field == FieldNames.Time ? ParseTimeBrackets() : ParseBrackets(field);
            case '>' or '<':
                return ParseComparison(field);
            default:
                return ParseBareValue(field, fieldless: false);
        }
    }

    private Filter FinishQuoted(string field, string quoted)
    {
        if (Peek == '*')
        {
            _pos++;
            ExpectTermEnd();
            return new PrefixFilter(field, quoted);
        }
        ExpectTermEnd();
        return new PhraseFilter(field, quoted);
    }

    private Filter ParseBareValue(string field, bool fieldless)
    {
        var start = _pos;
        if (Peek == '/')
        {
            var end = Lexicon.ScanRegex(_text, start);
            if (end > 0)
            {
                _pos = end;
                ExpectTermEnd();
                try
                {
                    return new RegexFilter(field, _text[(start + 1)..(end - 1)]);
                }
                catch (ArgumentException e)
                {
                    throw Error("invalid regular expression: " + e.Message, start);
                }
            }
        }
        while (!AtEnd && !Lexicon.IsStop(Peek))
        {
            _pos++;
        }
        ExpectTermEnd();
        var run = _text[start.._pos];
        if (run[0] == '/' && Lexicon.RegexCloseWithin(run) < 0)
        {
            throw Error("a value starting with '/' is a regex and needs a closing '/'; quote it to search for the text", start);
        }
        if (run == "*")
        {
            return fieldless ? AllFilter.Instance : new ExistsFilter(field);
        }
        var star = run.IndexOf('*');
        if (star >= 0 && star < run.Length - 1)
        {
            throw Error("'*' is only allowed at the end of a value", start + star);
        }
        if (star == run.Length - 1)
        {
            return new PrefixFilter(field, run[..^1]);
        }
        if (field == FieldNames.Time && !fieldless)
        {
            return Durations.TryParse(run, out var ns)
                ? TimeRangeFilter.Last(ns)
                : throw Error("expected a duration (e.g. 15m) or a time range after '_time:'", start);
        }
        if (!fieldless && Lexicon.TrySplitCidr(run, out var network, out var prefixLength))
        {
            var max = CidrFilter.MaxPrefixLength(network.AddressFamily);
            if (prefixLength > max)
            {
                throw Error($"the prefix length of a CIDR must be between 0 and {max}", start + run.LastIndexOf('/') + 1);
            }
            return new CidrFilter(field, network, prefixLength);
        }
        return new WordFilter(field, run);
    }

    private Filter ParseComparison(string field)
    {
        var lower = Peek == '>';
        _pos++;
        var inclusive = Peek == '=';
        if (inclusive)
        {
            _pos++;
        }
        var op = (lower ? ">" : "<") + (inclusive ? "=" : "");
        var (text, at) = ReadBound($"expected a value after '{op}'", allowStar: false);
        ExpectTermEnd();
        if (field == FieldNames.Time)
        {
            var bound = new TimeBound(ParseTime(text!, at), inclusive);
            return lower ? TimeRangeFilter.Between(bound, null) : TimeRangeFilter.Between(null, bound);
        }
        var b = new RangeBound(text!, inclusive);
        return lower ? new RangeFilter(field, b, null) : new RangeFilter(field, null, b);
    }

    private Filter ParseBrackets(string field)
    {
        var (lower, upper, lowerInclusive, upperInclusive) = ReadBrackets();
        return new RangeFilter(
            field,
            lower.Text is null ? null : new RangeBound(lower.Text, lowerInclusive),
            upper.Text is null ? null : new RangeBound(upper.Text, upperInclusive));
    }

    private Filter ParseTimeBrackets()
    {
        var (lower, upper, lowerInclusive, upperInclusive) = ReadBrackets();
        return TimeRangeFilter.Between(
            lower.Text is null ? null : new TimeBound(ParseTime(lower.Text, lower.At), lowerInclusive),
            upper.Text is null ? null : new TimeBound(ParseTime(upper.Text, upper.At), upperInclusive));
    }

    private ((string? Text, int At) Lower, (string? Text, int At) Upper, bool LowerInclusive, bool UpperInclusive) ReadBrackets()
    {
        var open = Peek;
        _pos++;
        SkipSpace();
        var lower = ReadBound($"expected a lower bound after '{open}'", allowStar: true);
        SkipSpace();
        if (!(_text.AsSpan(_pos).StartsWith("TO", StringComparison.Ordinal) && _pos + 2 < _text.Length && char.IsWhiteSpace(_text[_pos + 2])))
        {
            throw Error("expected 'TO' after the lower bound");
        }
        _pos += 2;
        SkipSpace();
        var upper = ReadBound("expected an upper bound after 'TO'", allowStar: true);
        SkipSpace();
        if (Peek is not (']' or '}'))
        {
            throw Error("expected ']' or '}' to close the range");
        }
        var close = Peek;
        _pos++;
        ExpectTermEnd();
        return (lower, upper, open == '[', close == ']');
    }

    /// <summary>Reads a bound; a bare <c>*</c> is an open bound (null), a quoted <c>"*"</c> is the text <c>*</c>.</summary>
    private (string? Text, int At) ReadBound(string expected, bool allowStar)
    {
        var start = _pos;
        if (Peek == '"')
        {
            return (ReadQuoted(), start);
        }
        while (!AtEnd && !Lexicon.IsStop(Peek) && Peek is not (']' or '}'))
        {
            _pos++;
        }
        var run = _text[start.._pos];
        if (run.Length == 0 || (run == "*" && !allowStar))
        {
            _pos = start;
            throw Error(expected);
        }
        return (run == "*" ? null : run, start);
    }

    private long ParseTime(string text, int at) =>
        Timestamps.TryParseRfc3339(text, out var ns) ? ns : throw Error("expected an RFC 3339 time such as 2026-11-25T00:00:00Z", at);

    private string ReadQuoted()
    {
        var start = _pos;
        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd)
            {
                throw Error("unterminated quoted string", start);
            }
            var c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                return sb.ToString();
            }
            if (c == '\\')
            {
                if (_pos + 1 >= _text.Length)
                {
                    throw Error("unterminated quoted string", start);
                }
                var next = _text[_pos + 1];
                if (next is not ('"' or '\\'))
                {
                    throw Error($"invalid escape '\\{next}' in a quoted string: only \\\" and \\\\ are allowed");
                }
                sb.Append(next);
                _pos += 2;
                continue;
            }
            sb.Append(c);
            _pos++;
        }
    }

    private void ExpectTermEnd()
    {
        if (!AtEnd && !char.IsWhiteSpace(Peek) && Peek is not (')' or '|'))
        {
            throw Error("expected a space, ')' or '|' after the value");
        }
    }

    private Pipe ParsePipe()
    {
        SkipSpace();
        var start = _pos;
        var name = ReadWord();
        if (name.Length == 0)
        {
            throw Error($"expected a pipe after '|': {PipeNames}");
        }
        Pipe pipe = name switch
        {
            "stats" => ParseStats(),
            "sort" => ParseSort(),
            "limit" => new LimitPipe(ReadCount("expected a number after 'limit'")),
            "fields" => new FieldsPipe(ParseList<string>(ReadFieldName, "after 'fields'")),
            "where" => ParseWhere(),
            "top" => ParseTop(),
            _ => throw Error($"unknown pipe '{name}': expected {PipeNames}", start),
        };
        SkipSpace();
        if (!AtEnd && Peek != '|')
        {
            throw Error(pipe is StatsPipe { By.Count: 0 } ? "expected ',', 'by', '|' or the end of the query" : "expected '|' or the end of the query");
        }
        return pipe;
    }

    private StatsPipe ParseStats()
    {
        var functions = new List<StatsFunction>();
        do
        {
            SkipSpace();
            functions.Add(ParseStatsFunction(functions.Count == 0 ? "after 'stats'" : "after ','"));
            SkipSpace();
        }
        while (TryConsume(','));
        var by = new List<GroupKey>();
        if (AtWord("by"))
        {
            _pos += 2;
            by.AddRange(ParseList<GroupKey>(ParseGroupKey, "after 'by'"));
        }
        return new StatsPipe(functions, by);
    }

    private StatsFunction ParseStatsFunction(string after)
    {
        var start = _pos;
        var name = ReadWord();
        if (name.Length == 0)
        {
            throw Error($"expected a stats function {after}");
        }
        if (!StatsFunction.IsKnown(name))
        {
            throw Error($"unknown stats function '{name}': expected count, count_distinct, sum, avg, min, max or a percentile such as p99", start);
        }
        SkipSpace();
        if (!TryConsume('('))
        {
            throw Error($"expected '(' after '{name}'");
        }
        SkipSpace();
        string? field = null;
        if (Peek != ')')
        {
            field = ReadFieldName($"expected a field name or ')' after '{name}('");
            SkipSpace();
        }
        if (!TryConsume(')'))
        {
            throw Error("expected ')' after the field name");
        }
        if (field is null && name != StatsFunction.Count)
        {
            throw Error($"{name} needs a field, e.g. {name}(duration)", start);
        }
        SkipSpace();
        string? alias = null;
        if (AtWord("as"))
        {
            _pos += 2;
            SkipSpace();
            alias = ReadFieldName("expected a name after 'as'");
        }
        return new StatsFunction(name, field, alias);
    }

    private GroupKey ParseGroupKey(string expected)
    {
        var field = ReadFieldName(expected);
        if (Peek != ':')
        {
            return new GroupKey(field);
        }
        if (field != FieldNames.Time)
        {
            throw Error("only _time can be bucketed, e.g. by (_time:1h)");
        }
        _pos++;
        var start = _pos;
        var duration = ReadWord();
        return Durations.TryParse(duration, out var ns)
            ? new GroupKey(field, ns)
            : throw Error("expected a duration after '_time:', e.g. 1h", start);
    }

    private SortPipe ParseSort()
    {
        SkipSpace();
        if (!AtWord("by"))
        {
            throw Error("expected 'by' after 'sort'");
        }
        _pos += 2;
        return new SortPipe(ParseList<SortKey>(ParseSortKey, "after 'by'"));
    }

    private SortKey ParseSortKey(string expected)
    {
        var field = ReadFieldName(expected);
        SkipSpace();
        if (AtWord("desc"))
        {
            _pos += 4;
            return new SortKey(field, descending: true);
        }
        if (AtWord("asc"))
        {
            _pos += 3;
        }
        return new SortKey(field);
    }

    private WherePipe ParseWhere()
    {
        SkipSpace();
        const string Expected = "expected a filter after 'where'";
        if (AtEnd || Peek == '|')
        {
            throw Error(Expected);
        }
        return new WherePipe(ParseTopFilter(Expected));
    }

    private TopPipe ParseTop()
    {
        var n = ReadCount("expected a number after 'top'");
        SkipSpace();
        if (!AtWord("by"))
        {
            throw Error("expected 'by' after the number of 'top'");
        }
        _pos += 2;
        return new TopPipe(n, ParseList<string>(ReadFieldName, "after 'by'"));
    }

    /// <summary>A comma-separated list, in parentheses or not: <c>by (a, b)</c> or <c>by a, b</c>.</summary>
    private List<T> ParseList<T>(Func<string, T> read, string after)
    {
        var items = new List<T>();
        SkipSpace();
        var parenthesised = TryConsume('(');
        var expected = parenthesised ? "expected a field name after '('" : $"expected a field name {after}";
        while (true)
        {
            SkipSpace();
            items.Add(read(expected));
            SkipSpace();
            if (!TryConsume(','))
            {
                break;
            }
            expected = "expected a field name after ','";
        }
        if (parenthesised && !TryConsume(')'))
        {
            throw Error("expected ',' or ')'");
        }
        return items;
    }

    private string ReadFieldName(string expected)
    {
        var start = _pos;
        if (Peek == '"')
        {
            var quoted = ReadQuoted();
            return quoted.Length > 0 ? quoted : throw Error("a field name cannot be empty", start);
        }
        var word = ReadWord();
        return word.Length > 0 ? word : throw Error(expected);
    }

    private int ReadCount(string expected)
    {
        SkipSpace();
        var start = _pos;
        while (!AtEnd && char.IsAsciiDigit(Peek))
        {
            _pos++;
        }
        if (!int.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            _pos = start;
            throw Error(expected);
        }
        return n;
    }

    private string ReadWord()
    {
        var start = _pos;
        while (!AtEnd && Lexicon.IsFieldChar(Peek))
        {
            _pos++;
        }
        return _text[start.._pos];
    }

    private bool TryConsume(char c)
    {
        if (Peek != c)
        {
            return false;
        }
        _pos++;
        return true;
    }

    /// <summary>An operator keyword: exactly this upper-case word, followed by a stop or the end.</summary>
    private bool AtKeyword(string keyword) =>
        _text.AsSpan(_pos).StartsWith(keyword, StringComparison.Ordinal)
        && (_pos + keyword.Length == _text.Length || Lexicon.IsStop(_text[_pos + keyword.Length]));

    /// <summary>A pipe keyword (<c>by</c>, <c>as</c>, <c>desc</c>): this word, not followed by a field character.</summary>
    private bool AtWord(string word) =>
        _text.AsSpan(_pos).StartsWith(word, StringComparison.Ordinal)
        && (_pos + word.Length == _text.Length || !Lexicon.IsFieldChar(_text[_pos + word.Length]));

    private void SkipSpace()
    {
        while (!AtEnd && char.IsWhiteSpace(Peek))
        {
            _pos++;
        }
    }

    private QueryParseException Error(string reason) => Error(reason, _pos);

    private QueryParseException Error(string reason, int position) => QueryParseException.At(_text, position, reason);
}
