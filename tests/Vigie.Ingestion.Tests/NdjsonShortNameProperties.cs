using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;

namespace Vigie.Ingestion.Tests;

/// <summary>
/// The scanner's table of short top-level names (up to 15 bytes, keyed by their bytes as they lie in
/// the line) against the reference path: lines of many shapes over batches that are cleared and reused
/// (ids start over) or replaced, names around the 15-byte limit, names that are prefixes of others,
/// the special names, null values and objects under names, more distinct names than the table holds.
/// Each batch must come out the same: its names in the same order, its events, streams and errors.
/// </summary>
public class NdjsonShortNameProperties
{
    private static readonly string[] Fixed =
    [
        "_time", "_stream", "_msg", "message", "msg", "log", "host", "a", "ab", "abc", "h", "ho", "hos", "hostname",
        "fifteen-bytes-a", "fifteen-bytes-b", "sixteen-bytes-ab", "sixteen-bytes-ac", "fourteen-bytes", "é", "éé", "日本語",
        "quo\\\"te", "esc\\u0041", "", " ", "a.b",
    ];

    [Fact]
    public void DecodeAsync_ShortNamesOverReusedBatches_ScannerAgreesWithReferencePath()
    {
        var many = Enumerable.Range(0, 300).Select(n => $"n{n}").ToArray();
        var names = Gen.Frequency((6, Gen.Elements(Fixed)), (1, Gen.Elements(many)));
        var values = Gen.Elements("1", "\"v\"", "\"w x\"", "null", "true", "[1,2]", "{\"k\":2}", "{}", "\"2025-11-25T10:00:00Z\"", "\"\"");
        var member =
            from name in names
            from value in values
            from space in Gen.Elements("", "", " ")
            select $"\"{name}\"{space}:{space}{value}";
        var line =
            from members in Gen.ListOf(member)
            from tail in Gen.Elements("", "", " ", "                ")
            select "{" + string.Join(",", members) + "}" + tail;
        var bodies =
            from lines in Gen.NonEmptyListOf(line)
            from flushEvents in Gen.Choose(1, 5)
            from reuse in Gen.Elements(true, false)
            select (Lines: lines.ToArray(), FlushEvents: flushEvents, Reuse: reuse);

        Prop.ForAll(bodies.ToArbitrary(), body =>
        {
            var bytes = Encoding.UTF8.GetBytes(string.Concat(body.Lines.Select(l => l + "\n")));
            var fast = Run(bytes, body.FlushEvents, body.Reuse, fastPath: true);
            var reference = Run(bytes, body.FlushEvents, body.Reuse, fastPath: false);

            Assert.Equal(reference, fast);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1500).WithEndSize(40));
    }

    /// <summary>Every batch as text: its names in order, then each event with its stream and fields.</summary>
    private static List<string> Run(byte[] body, int flushEvents, bool reuse, bool fastPath)
    {
        var seen = new List<string>();
        var batch = new EventBatch();
        var result = NdjsonDecoder.DecodeAsync(new MemoryStream(body), batch, StreamFields.Parse("host,a,n7"),
            new NdjsonLimits { FlushEvents = flushEvents }, Decode.Now,
            (full, _) =>
            {
                seen.AddRange(Describe(full));
                if (reuse)
                {
                    full.Clear();
                    return ValueTask.FromResult(full);
                }
                return ValueTask.FromResult(new EventBatch());
            },
            fastPath, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        seen.AddRange(Describe(batch));
        seen.Add($"accepted {result.Accepted}, rejected {result.Rejected}");
        seen.AddRange(result.Errors.Select(e => e.ToString()));
        return seen;
    }

    private static IEnumerable<string> Describe(EventBatch batch)
    {
        yield return "names " + string.Join(",", batch.Names);
        foreach (var e in batch.ToLogEvents())
        {
            yield return $"{e.TimeNs} [{e.Stream.Text}] {string.Join(" | ", e.Fields.Select(f => $"{f.Key}={f.Value.Kind}:{f.Value.Text}"))}";
        }
    }
}
