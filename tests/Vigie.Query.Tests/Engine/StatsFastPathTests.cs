using System.Globalization;
using Vigie.Core;
using Vigie.Query.Engine;
using Vigie.Query.Reference;
using Vigie.Query.Rows;
using Vigie.Storage.Store;

namespace Vigie.Query.Tests.Engine;

/// <summary>
/// The stats paths that skip the general row-by-row aggregation: a histogram of whole blocks counted
/// from their times alone, and percentiles over pooled chunks of numbers narrowed by a sample. Each
/// must give exactly the reference evaluator's answer, over stores whose blocks are laid out to hit
/// the edge cases (bucket boundaries inside and outside blocks, times before 1970, ties, missing
/// and non-numeric values, empty results).
/// </summary>
public sealed class StatsFastPathTests
{
    private const long Second = Timestamps.NanosPerSecond;
    private const long Hour = 3600 * Second;
    private static readonly long Now = Timestamps.FromDateTime(new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc));

    public static TheoryData<string> HistogramQueries =>
    [
        "* | stats count() by (_time:1h)",
        "* | stats count() as n by (_time:7m)",
        "* | stats count() by (_time:1h, host)",
        "* | stats count() by (host, _time:1d)",
        "* | stats count(), count(nothing) by (_time:1h, _stream)",
        "* | stats count() by (_time:1ns)",
        "host:a | stats count() by (_time:1h)",
        "_stream:b | stats count() by (_time:30m)",
        "_time:[2026-11-25T10:00:00Z TO 2026-11-25T11:00:00Z} | stats count() by (_time:1h)",
        "nomatch | stats count() by (_time:1h)",
        "* | stats count() by (_time:1h, level)",
        "* | stats count(level) by (_time:1h)",
    ];

    [Theory]
    [MemberData(nameof(HistogramQueries))]
    public async Task Histogram_BucketBoundariesInsideAndOutsideBlocks_EqualsReference(string query)
    {
        var events = new List<LogEvent>();
        var parts = new List<List<LogEvent>>();
        // part 1: each stream's block spans several hours, with rows exactly on and just before hour boundaries
        var first = new List<LogEvent>();
        for (var i = 0; i < 300; i++)
        {
            var hourStart = Now - ((i % 5) + 1) * Hour;
            var time = (i % 3) switch { 0 => hourStart, 1 => hourStart - 1, _ => hourStart + (i * 7919 % Hour) };
            first.Add(Event(time, i % 2 == 0 ? "a" : "b", i));
        }
        parts.Add(first);
        // part 2: blocks wholly inside one hour (counted from the index alone)
        parts.Add([.. Enumerable.Range(0, 40).Select(i => Event(Now - (30 * Hour) + (i * Second), i % 2 == 0 ? "a" : "b", i))]);
        // part 3: times before 1970 and around it, where bucket starts round towards minus infinity
        parts.Add([.. Enumerable.Range(0, 60).Select(i => Event(((i - 30) * 997 * Second) - (i % 4), "a", i))]);
        foreach (var p in parts)
        {
            events.AddRange(p);
        }

        using var dir = new TempDirectory();
        using var store = await StoreOfParts.OpenAsync(dir, parts);
        AssertSameAsReference(store, events, query);
    }

    public static TheoryData<string> PercentileQueries =>
    [
        "* | stats p99(d)",
        "* | stats p0(d), p1(d), p50(d), p90(d), p100(d)",
        "* | stats p99(d) by (host)",
        "* | stats p50(tied), p99(tied), p1(tied)",
        "* | stats p99(mixed), p50(mixed), count(mixed)",
        "* | stats p50(sorted), p99(sorted), p1(sorted)",
        "* | stats p99(sparse), p50(sparse)",
        "host:a | stats p99(d), p99(sorted)",
        "nomatch | stats p99(d), p50(mixed)",
        "* | stats p99(missing)",
    ];

    [Theory]
    [MemberData(nameof(PercentileQueries))]
    public async Task Percentile_LargeTiedSkewedAndMissingValues_EqualsReference(string query)
    {
        // enough values (over 4 x 4096) for the sampled bracket, in several parts and blocks
        var r = new Random(7);
        var parts = new List<List<LogEvent>>();
        var n = 0;
        for (var p = 0; p < 3; p++)
        {
            var part = new List<LogEvent>();
            for (var i = 0; i < 9000; i++, n++)
            {
                var fields = new List<KeyValuePair<string, FieldValue>>
                {
                    new("host", FieldValue.Str(n % 3 == 0 ? "a" : "b")),
                    new("d", FieldValue.Num(Math.Round(r.NextDouble() * r.NextDouble() * 1000, 3).ToString(CultureInfo.InvariantCulture))),
                    // ties: few distinct values
                    new("tied", FieldValue.Num((r.Next(4) * 10).ToString(CultureInfo.InvariantCulture))),
                    // ascending along the store: a sample of evenly spaced positions sees it in order
                    new("sorted", FieldValue.Num(n.ToString(CultureInfo.InvariantCulture))),
                };
                // numbers, numeric strings and texts that are no numbers (NaN, infinities, words)
                fields.Add(new("mixed", (n % 7) switch
                {
                    0 => FieldValue.Str("NaN"),
                    1 => FieldValue.Str("Infinity"),
                    2 => FieldValue.Str("1e400"),
                    3 => FieldValue.Str("slow"),
                    4 => FieldValue.Str((n % 50).ToString(CultureInfo.InvariantCulture)),
                    _ => FieldValue.Num((n % 97 / 4.0).ToString(CultureInfo.InvariantCulture)),
                }));
                if (n % 1000 == 0)
                {
                    fields.Add(new("sparse", FieldValue.Num((n / 1000).ToString(CultureInfo.InvariantCulture))));
                }
                part.Add(new LogEvent(Now - Hour + n * 1000L, StreamKey.Create([new("host", fields[0].Value.Text)]), fields));
            }
            parts.Add(part);
        }
        using var dir = new TempDirectory();
        using var store = await StoreOfParts.OpenAsync(dir, parts);
        AssertSameAsReference(store, [.. parts.SelectMany(p => p)], query);
    }

    private static LogEvent Event(long time, string host, int i)
    {
        var fields = new List<KeyValuePair<string, FieldValue>>
        {
            new("host", FieldValue.Str(host)),
            new(FieldNames.Message, FieldValue.Str("event " + i.ToString(CultureInfo.InvariantCulture))),
        };
        if (i % 4 != 0)
        {
            fields.Add(new("level", FieldValue.Str(i % 4 == 1 ? "info" : "error")));
        }
        return new LogEvent(time, StreamKey.Create([new("host", host)]), fields);
    }

    private static void AssertSameAsReference(LogStore store, IReadOnlyList<LogEvent> events, string text)
    {
        var query = ParsedQuery.Parse(text);
        var expected = ReferenceEvaluator.Evaluate(query, events, Now).Select(ReferenceAgreement.Canonical).ToList();
        var actual = new QueryEngine(store).ExecuteAll(new QueryRequest(query, Now)).Select(ResultRow.From).Select(ReferenceAgreement.Canonical).ToList();
        Assert.Equal(expected, actual);
        if (!text.StartsWith("nomatch", StringComparison.Ordinal))
        {
            Assert.NotEmpty(actual);
        }
    }
}
