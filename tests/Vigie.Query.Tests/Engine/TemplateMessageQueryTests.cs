using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Query.Engine;
using Vigie.Query.Reference;
using Vigie.Query.Rows;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Query.Tests.Engine;

/// <summary>
/// Access lines whose message repeats their own fields, stored as templates over them (part format 3),
/// mixed with free-text lines: word, phrase, field and stats queries (which read the message alone,
/// its references being read underneath, some of them through lent arrays) answer as the reference
/// evaluator does over the events.
/// </summary>
public sealed class TemplateMessageQueryTests
{
    private static readonly string[] Paths = ["/api/users", "/api/orders/12", "/static/app.js", "/connection/refused", "/café"];

    private static readonly string[] Queries =
    [
        "connection | stats count()",
        "\"connection refused\" | stats count()",
        "GET | stats count() by (status)",
        "\"HTTP/1.1\\\" 500\" | stats count()",
        "api | stats count_distinct(_msg), min(_msg), max(_msg)",
        "10.0.0.7 | stats count()",
        "status:>=500 connection | stats count() by (method)",
        "* | stats count() by (_msg)",
        "users",
    ];

    [Fact]
    public void Queries_OverTemplatedMessages_EqualReferenceEvaluator()
    {
        var cases = Gen.Zip(Gen.Choose(0, int.MaxValue), Gen.Choose(1, 3)).ToArbitrary();
        Prop.ForAll(cases, c => Check(c.Item1, c.Item2)).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    private static void Check(int seed, int partCount)
    {
        var r = new Random(seed);
        var parts = new List<List<LogEvent>>();
        var n = 0;
        for (var p = 0; p < partCount; p++)
        {
            var part = new List<LogEvent>();
            for (var s = r.Next(1, 4); s > 0; s--)
            {
                var stream = StreamKey.Create([new("host", "h" + s.ToString(CultureInfo.InvariantCulture))]);
                for (var i = r.Next(2, 300); i > 0; i--, n++)
                {
                    var time = Events.Now - (n * 7_919L % 3_600 * Timestamps.NanosPerSecond) - n;
                    if (r.Next(8) == 0)
                    {
                        part.Add(new LogEvent(time, stream, [new("_msg", FieldValue.Str($"upstream connection refused #{n}"))]));
                        continue;
                    }
                    var ip = $"10.0.0.{r.Next(12)}";
                    var method = r.Next(3) == 0 ? "POST" : "GET";
                    var path = Paths[r.Next(Paths.Length)];
                    var status = r.Next(5) == 0 ? "500" : "200";
                    var bytes = r.Next(100_000).ToString(CultureInfo.InvariantCulture);
                    var duration = (r.Next(1, 90_000) / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
                    part.Add(new LogEvent(time, stream,
                    [
                        new("_msg", FieldValue.Str($"{ip} \"{method} {path} HTTP/1.1\" {status} {bytes} {duration}ms")),
                        new("client_ip", FieldValue.Str(ip)),
                        new("method", FieldValue.Str(method)),
                        new("path", FieldValue.Str(path)),
                        new("status", FieldValue.Num(status)),
                        new("bytes", FieldValue.Num(bytes)),
                        new("duration", FieldValue.Num(duration)),
                    ]));
                }
            }
            parts.Add(part);
        }
        using var dir = new TempDirectory();
        using var store = StoreOfParts.Open(dir, parts);
        using (var snapshot = store.AcquireSnapshot())
        {
            Assert.Contains(ColumnEncoding.Template, snapshot.Parts.SelectMany(p => p.Reader.Blocks).Select(b => b.FindColumn("_msg")!.Encoding));
        }
        var events = parts.SelectMany(p => p).ToList();
        var engine = new QueryEngine(store);
        foreach (var text in Queries)
        {
            ReferenceAgreement.AssertSameAnswer(engine, events, text, Events.Now, $" (seed {seed}, {partCount} parts)");
        }
    }
}
