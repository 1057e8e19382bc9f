using System.Globalization;
using Vigie.Core;
using Vigie.Query.Engine;
using Vigie.Query.Reference;
using Vigie.Query.Rows;
using Vigie.Storage.Store;

namespace Vigie.Query.Tests.Engine;

/// <summary>
/// A word search judges blocks by their metadata (bloom filters of text columns, dictionaries,
/// constants) ahead of reading them, in parallel runs. No block holding a match may be ruled out,
/// wherever the word sits: in a raw text column (bloom), a dictionary or constant column, in the
/// first or last row of a block, in another case, in the first, a middle or the last of many
/// blocks; and the events come back newest first as the reference evaluator gives them.
/// </summary>
public sealed class WordPruningTests
{
    private const long Second = Timestamps.NanosPerSecond;
    private static readonly long Now = Timestamps.FromDateTime(new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc));

    public static TheoryData<string, int?> Queries => new()
    {
        { "zqxrare", null },
        { "zqxrare", 1001 },
        { "zqxrare", 3 },
        { "ZQXRARE", 1001 },
        { "\"zqxrare here\"", 1001 },
        { "note:constword", 1001 },
        { "level:dictword", 1001 },
        { "_msg:zqxrare", 1001 },
        { "note:zqxrare", 1001 },
        { "zqxrare OR level:dictword", 1001 },
        { "zqxrare -host:h1", 1001 },
        { "nosuchword", 1001 },
        { "zqxrare | stats count() by (host)", null },
        { "level:dictword | stats count()", null },
        { "common", 50 },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Search_WordInFewBlocks_FindsEveryMatch(string text, int? limit)
    {
        var parts = new List<List<LogEvent>>();
        var n = 0;
        for (var p = 0; p < 4; p++)
        {
            var part = new List<LogEvent>();
            // 40 streams per part: 160 blocks, a few holding the words
            for (var i = 0; i < 2000; i++, n++)
            {
                var host = "h" + (n % 40).ToString(CultureInfo.InvariantCulture);
                var message = $"common event {n} from {host} id={n * 7919 % 100_003}";
                if (n is 0 or 3999 or 7998 || (p == 3 && i == 1999))
                {
                    message = n % 2 == 0 ? $"ZqxRare here {n}" : $"at the end zqxrare here";
                }
                var fields = new List<KeyValuePair<string, FieldValue>>
                {
                    new("host", FieldValue.Str(host)),
                    new(FieldNames.Message, FieldValue.Str(message)),
                };
                if (n % 40 == 17)
                {
                    // one stream whose note is constant in its blocks, another whose level is a dictionary
                    fields.Add(new("note", FieldValue.Str(p == 2 ? "constword zqxrare" : "plain")));
                }
                if (n % 40 == 23)
                {
                    fields.Add(new("level", FieldValue.Str(p == 1 && i % 3 == 0 ? "dictword" : i % 2 == 0 ? "info" : "warn")));
                }
                part.Add(new LogEvent(Now - (8000 - n) * Second, StreamKey.Create([new("host", host)]), fields));
            }
            parts.Add(part);
        }

        using var dir = new TempDirectory();
        using var store = await StoreOfParts.OpenAsync(dir, parts);
        var query = ParsedQuery.Parse(text);
        IEnumerable<ResultRow> expected = ReferenceEvaluator.Evaluate(query, [.. parts.SelectMany(p => p)], Now);
        if (limit is { } l)
        {
            expected = expected.Take(l);
        }
        var actual = new QueryEngine(store).ExecuteAll(new QueryRequest(query, Now, Limit: limit)).Select(ResultRow.From).ToList();
        Assert.Equal(expected.Select(Canonical).ToList(), actual.Select(Canonical).ToList());
        if (text != "nosuchword")
        {
            Assert.NotEmpty(actual);
        }
    }

    private static string Canonical(ResultRow row) =>
        string.Join(", ", row.ColumnList.Where(c => c.Key != FieldNames.Stream).OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value.Kind}:{c.Value.Text}"));
}
