using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Query.Engine;
using Vigie.Query.Reference;
using Vigie.Query.Rows;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Store;

namespace Vigie.Query.Tests.Engine;

/// <summary>
/// A stats scan whose columns are all raw texts decodes them into arrays it reuses block after block
/// (longer ones, still holding the previous block's bytes, as often as not): over many blocks of
/// varied sizes, in several parts, the answers must stay the reference evaluator's.
/// </summary>
public sealed class StatsLentTextsTests
{
    private static readonly long Now = Timestamps.FromDateTime(new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc));

    // mixed case, the word inside longer words, a word that is not ASCII
    private static readonly string[] Words =
        ["connection", "Connection", "CONNECTION", "refused", "Refused", "reconnection", "connections", "conn", "café", "to", "db", "timeout"];

    private static readonly string[] Queries =
    [
        "connection | stats count()",
        "\"connection refused\" | stats count()",
        "refused | stats count() by (tag)",
        "connection | stats count_distinct(_msg), min(_msg), max(tag), count(tag)",
        "conn* | stats count() by (tag)",
        "* | stats count_distinct(_msg), max(_msg)",
        "café | stats count()",
    ];

    [Fact]
    public void RawTextStats_OverManyBlocksOfVariedSizes_EqualReferenceEvaluator()
    {
        var cases = Gen.Zip(Gen.Choose(0, int.MaxValue), Gen.Choose(1, 4)).ToArbitrary();
        Prop.ForAll(cases, c => Check(c.Item1, c.Item2)).QuickCheckThrowOnFailure();
    }

    /// <summary>A case the generator once made with every block of one row (all of them constant).</summary>
    [Fact]
    public void RawTextStats_OnePartOfShortBlocks_EqualReferenceEvaluator() => Check(1375177804, 1);

    private static void Check(int seed, int partCount)
    {
        var r = new Random(seed);
        var parts = new List<List<LogEvent>>();
        var n = 0;
        for (var p = 0; p < partCount; p++)
        {
            var part = new List<LogEvent>();
            // one block per stream and part, of 1 to 120 rows
            var streams = r.Next(1, 7);
            for (var s = 0; s < streams; s++)
            {
                var stream = StreamKey.Create([new("host", "h" + s.ToString(CultureInfo.InvariantCulture))]);
                // The first block has two rows at least: a block of one row stores its _msg as a
                // constant, and the test needs one raw column.
                var rows = p == 0 && s == 0 ? r.Next(2, 121) : r.Next(1, 121);
                for (var i = 0; i < rows; i++, n++)
                {
                    var words = Enumerable.Range(0, r.Next(1, 7)).Select(_ => Words[r.Next(Words.Length)]);
                    // a number of its own keeps the column raw texts (not a dictionary)
                    var fields = new List<KeyValuePair<string, FieldValue>>
                    {
                        new("_msg", FieldValue.Str(string.Join(' ', words) + " #" + n.ToString(CultureInfo.InvariantCulture) + (r.Next(4) == 0 ? "" : " connection"))),
                    };
                    if (r.Next(3) > 0)
                    {
                        fields.Add(new("tag", FieldValue.Str("t" + r.Next(1_000_000).ToString(CultureInfo.InvariantCulture))));
                    }
                    part.Add(new LogEvent(Now - (n * 7_919L % 3_600) * Timestamps.NanosPerSecond - n, stream, fields));
                }
            }
            parts.Add(part);
        }
        using var dir = new TempDirectory();
        using var store = StoreOfParts.Open(dir, parts);
        using (var snapshot = store.AcquireSnapshot())
        {
            Assert.Contains(ColumnEncoding.Raw, snapshot.Parts.SelectMany(p => p.Reader.Blocks).Select(b => b.FindColumn("_msg")!.Encoding));
        }
        var events = parts.SelectMany(p => p).ToList();
        var engine = new QueryEngine(store);
        foreach (var text in Queries)
        {
            ReferenceAgreement.AssertSameAnswer(engine, events, text, Now, $" (seed {seed}, {partCount} parts)");
        }
    }
}
