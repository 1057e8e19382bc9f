using System.Net;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Query.Syntax;

namespace Vigie.Query.Tests.Syntax;

/// <summary>Random valid ASTs, biased towards the texts that are hard to print: keywords, quotes, colons, slashes, stars.</summary>
public static class QueryGenerators
{
    private static readonly string[] Fields = ["_msg", "host", "http.status", "@timestamp", "a-b", "a b", "count()", "NOT", "AND", "-x", "é", "_stream", "by", "x\"y"];
    private static readonly char[] ValueChars = ['a', 'Z', '0', '9', '_', '.', '-', '/', ':', '*', '[', ']', '{', '}', '<', '>', '=', '"', '\\', ' ', 'é', '(', ')', '|'];
    private static readonly string[] Patterns = ["a+", "^x$", "a/b", "(?i)err", "\\d{3}", "a b", "", "\\/", "x|y", "[/]"];
    private static readonly string[] Words = ["error", "AND", "OR", "NOT", "TO", "-1", "500", "5e2", "web-1", "10.0.0.0/8", "a:b", "/a/", "/a", "/a/b", "/a/", "[x]", "*", "15m", "é"];
    private static readonly (string Address, int Prefix)[] Networks = [("10.0.0.0", 8), ("192.168.1.7", 32), ("0.0.0.0", 0), ("2001:db8::", 32), ("::1", 128), ("fe80::1", 10)];
    private static readonly long[] Durations = [1, 1_000, 1_000_000_000, 15 * 60_000_000_000L, 90 * 60_000_000_000L, 86_400_000_000_000L, 7 * 86_400_000_000_000L];

    public static Arbitrary<ParsedQuery> Queries() => QueryGen.ToArbitrary();

    public static Gen<ParsedQuery> QueryGen =>
        from filter in Gen.Sized(size => FilterGen(Math.Min(size, 12)))
        from count in Gen.Choose(0, 3)
        from pipes in PipeGen.ListOf(count)
        select new ParsedQuery(filter, pipes);

    private static Gen<string> TextGen =>
        Gen.OneOf(
            Gen.Elements(Words),
            from n in Gen.Choose(0, 6)
            from cs in Gen.Elements(ValueChars).ArrayOf(n)
            select new string(cs));

    private static Gen<string> FieldGen => Gen.Elements(Fields);

    private static Gen<string> NonTimeFieldGen => FieldGen;

    private static Gen<Filter> FilterGen(int size)
    {
        if (size <= 1)
        {
            return LeafGen;
        }
        var child = Gen.Sized(_ => FilterGen(size / 3));
        return Gen.Frequency(
            (4, LeafGen),
            (1, from a in child from b in child select (Filter)new OrFilter([a, b])),
            (1, from a in child from b in child from c in child select (Filter)new OrFilter([a, b, c])),
            (1, from a in child from b in child select (Filter)new AndFilter([a, b])),
            (1, from a in child select (Filter)new NotFilter(a)));
    }

    private static Gen<Filter> LeafGen =>
        Gen.OneOf(
            Gen.Constant((Filter)AllFilter.Instance),
            from f in NonTimeFieldGen from t in TextGen select WordOrPhrase(f, t),
            from f in FieldGen from t in TextGen select (Filter)new PhraseFilter(f, t),
            from f in FieldGen from t in TextGen select (Filter)new PrefixFilter(f, t),
            from f in FieldGen from p in Gen.Elements(Patterns) select (Filter)new RegexFilter(f, p),
            from f in FieldGen select (Filter)new ExistsFilter(f),
            from f in NonTimeFieldGen from lo in BoundGen from hi in BoundGen select (Filter)new RangeFilter(f, lo, hi),
            from f in NonTimeFieldGen from n in Gen.Elements(Networks) select (Filter)new CidrFilter(f, IPAddress.Parse(n.Address), n.Prefix),
            from d in Gen.Elements(Durations) select (Filter)TimeRangeFilter.Last(d),
            from lo in TimeBoundGen from hi in TimeBoundGen select (Filter)TimeRangeFilter.Between(lo, hi));

    private static Filter WordOrPhrase(string field, string text)
    {
        try
        {
            return new WordFilter(field, text);
        }
        catch (ArgumentException)
        {
            return new PhraseFilter(field, text);
        }
    }

    private static Gen<RangeBound?> BoundGen =>
        Gen.OneOf(
            Gen.Constant<RangeBound?>(null),
            from t in Gen.OneOf(TextGen, Gen.Elements("100", "-2.5", "1e3", "TO", "*", "=5", "a]"))
            from inclusive in Gen.Elements(true, false)
            select (RangeBound?)new RangeBound(t, inclusive));

    private static Gen<TimeBound?> TimeBoundGen =>
        Gen.OneOf(
            Gen.Constant<TimeBound?>(null),
            from seconds in Gen.Choose(-1_000_000, 2_000_000_000)
            from nanos in Gen.Elements(0, 1, 500_000_000, 123_456_789)
            from inclusive in Gen.Elements(true, false)
            select (TimeBound?)new TimeBound(seconds * Timestamps.NanosPerSecond + nanos, inclusive));

    private static Gen<Pipe> PipeGen =>
        Gen.OneOf(
            from fs in StatsFunctionGen.NonEmptyListOf()
            from keys in GroupKeyGen.ListOf()
            select (Pipe)new StatsPipe([.. fs.Take(3)], [.. keys.Take(3)]),
            from keys in (from f in FieldGen from d in Gen.Elements(true, false) select new SortKey(f, d)).NonEmptyListOf()
            select (Pipe)new SortPipe([.. keys.Take(3)]),
            from n in Gen.Choose(0, 1000) select (Pipe)new LimitPipe(n),
            from fs in FieldGen.NonEmptyListOf() select (Pipe)new FieldsPipe([.. fs.Take(4)]),
            from f in Gen.Sized(size => FilterGen(Math.Min(size, 6))) select (Pipe)new WherePipe(f),
            from n in Gen.Choose(0, 100) from fs in FieldGen.NonEmptyListOf() select (Pipe)new TopPipe(n, [.. fs.Take(2)]));

    private static Gen<StatsFunction> StatsFunctionGen =>
        from name in Gen.Elements("count", "count_distinct", "sum", "avg", "min", "max", "p0", "p50", "p99", "p100")
        from fieldName in FieldGen
        from noField in Gen.Elements(true, false)
        from alias in Gen.OneOf(Gen.Constant<string?>(null), FieldGen.Select(f => (string?)f))
        select new StatsFunction(name, name == "count" && noField ? null : fieldName, alias);

    private static Gen<GroupKey> GroupKeyGen =>
        Gen.OneOf(
            FieldGen.Select(f => new GroupKey(f)),
            Gen.Elements(Durations).Select(d => new GroupKey(FieldNames.Time, d)));
}
