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
/// <c>count_distinct</c> over stored blocks whose field is an IPv4 column in one block, a dictionary in
/// another, text in a third (holding the same addresses as texts), integers stored as numbers or as
/// strings, all with values repeated across blocks and parts: the engine must count each text once,
/// as a set of the texts does, and agree with the reference evaluator on filtered and grouped forms.
/// </summary>
public sealed class CountDistinctStoreTests
{
    private const long Minute = 60 * Timestamps.NanosPerSecond;
    private static readonly long Now = Timestamps.FromDateTime(new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc));

    /// <summary>How one block (one part, one host) holds its field <c>v</c>.</summary>
    public enum Form
    {
        /// <summary>Many canonical addresses: stored as Ipv4.</summary>
        AddressesWide,

        /// <summary>Three addresses: stored as a dictionary (or a constant).</summary>
        AddressesFew,

        /// <summary>Addresses and one that is not canonical: stored as text.</summary>
        AddressesAsText,

        /// <summary>Canonical integers as numbers, some beyond 2⁵³: stored as Int64 or PackedInt64.</summary>
        Integers,

        /// <summary>The same integers as strings: stored as text.</summary>
        IntegersAsStrings,

        /// <summary>Small integers and quarters as numbers: stored as Decimal.</summary>
        Decimals,

        /// <summary>Addresses, integers and words, row by row.</summary>
        Mixed,
    }

    private static readonly string[] Words = ["a", "b", "10.0.0", "7.0", "-0", "010.0.0.1"];

    public sealed record Layout(Form[][] Forms, int[][] Rows, int Seed, bool Merge);

    private static Gen<Layout> Layouts =>
        from parts in Gen.Choose(1, 3)
        from forms in Gen.Elements(Enum.GetValues<Form>()).ArrayOf(3).ArrayOf(parts)
        from rows in Gen.Choose(1, 70).ArrayOf(3).ArrayOf(parts)
        from seed in Gen.Choose(0, int.MaxValue)
        from merge in Gen.Elements(true, false)
        select new Layout(forms, rows, seed, merge);

    private static readonly string[] Queries =
    [
        "* | stats count_distinct(v), count(v)",
        "host:h1 | stats count_distinct(v)",
        "w:x | stats count_distinct(v)",
        "NOT v:10.0.0.1 | stats count_distinct(v)",
        "* | stats count_distinct(v) by (host)",
        "* | stats count_distinct(v) by (_time:1h)",
        "* | stats count_distinct(v), count() by (w)",
        "* | stats count_distinct(w) by (v)",
    ];

    [Fact]
    public void RandomLayouts_EqualsSetOfTextsAndReference()
    {
        Prop.ForAll(Layouts.ToArbitrary(), layout =>
        {
            var parts = Build(layout);
            using var dir = new TempDirectory();
            using var store = StoreOf(dir, parts, layout.Merge);
            Check(store, [.. parts.SelectMany(p => p)]);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void EveryForm_StoredAsIntended_EqualsSetOfTextsAndReference()
    {
        var forms = Enum.GetValues<Form>();
        // each form in two parts, so that every value recurs across parts and in blocks of other forms
        var layout = new Layout(
            [[.. forms], [.. forms.Reverse()]],
            [[.. forms.Select(_ => 60)], [.. forms.Select(_ => 60)]],
            Seed: 1,
            Merge: false);
        var parts = Build(layout);
        using var dir = new TempDirectory();
        using var store = StoreOf(dir, parts, merge: false);
        using (var snapshot = store.AcquireSnapshot())
        {
            var encodings = snapshot.Parts.SelectMany(p => p.Reader.Blocks).Select(b => b.FindColumn("v")!.Encoding).ToHashSet();
            Assert.Superset(new HashSet<ColumnEncoding> { ColumnEncoding.Ipv4, ColumnEncoding.Dict, ColumnEncoding.Raw, ColumnEncoding.Decimal }, encodings);
            Assert.True(encodings.Contains(ColumnEncoding.Int64) || encodings.Contains(ColumnEncoding.PackedInt64), string.Join(", ", encodings));
        }
        Check(store, [.. parts.SelectMany(p => p)]);
    }

    /// <summary>One list of events per part; block (part p, host h) holds <c>v</c> in form Forms[p][h].</summary>
    private static List<List<LogEvent>> Build(Layout layout)
    {
        var r = new Random(layout.Seed);
        var parts = new List<List<LogEvent>>();
        var n = 0;
        for (var p = 0; p < layout.Forms.Length; p++)
        {
            var part = new List<LogEvent>();
            for (var h = 0; h < layout.Forms[p].Length; h++)
            {
                var host = "h" + h.ToString(CultureInfo.InvariantCulture);
                for (var i = 0; i < layout.Rows[p][h]; i++, n++)
                {
                    var fields = new List<KeyValuePair<string, FieldValue>>
                    {
                        new("host", FieldValue.Str(host)),
                        new("w", FieldValue.Str(r.Next(3) == 0 ? "x" : "y")),
                    };
                    // the first row always has the value, so that its block has the column
                    if (i == 0 || r.Next(8) > 0)
                    {
                        fields.Add(new("v", Value(layout.Forms[p][h], r, i)));
                    }
                    // rows two hours apart at most: several hourly buckets per block
                    part.Add(new LogEvent(Now - ((n * 7919L) % 120 * Minute) - n, StreamKey.Create([new("host", host)]), fields));
                }
            }
            parts.Add(part);
        }
        return parts;
    }

    private static FieldValue Value(Form form, Random r, int row)
    {
        // addresses and integers from small ranges, so that each recurs across blocks and parts
        string Address() => $"10.0.{r.Next(2)}.{r.Next(40)}";
        string Integer() => r.Next(6) == 0 ? (9_007_199_254_740_993L + r.Next(3)).ToString(CultureInfo.InvariantCulture) : r.Next(-20, 80).ToString(CultureInfo.InvariantCulture);
        return form switch
        {
            Form.AddressesWide => FieldValue.Str(Address()),
            Form.AddressesFew => FieldValue.Str($"10.0.0.{r.Next(3)}"),
            Form.AddressesAsText => FieldValue.Str(row == 0 ? "010.0.0.1" : Address()),
            Form.Integers => FieldValue.Num(Integer()),
            Form.IntegersAsStrings => FieldValue.Str(Integer()),
            Form.Decimals => FieldValue.Num((row % 2 == 0 ? r.Next(-20, 80) : r.Next(-20, 80) / 4.0).ToString(CultureInfo.InvariantCulture)),
            _ => r.Next(3) switch
            {
                0 => FieldValue.Str(Address()),
                1 => FieldValue.Num(Integer()),
                _ => FieldValue.Str(Words[r.Next(Words.Length)]),
            },
        };
    }

    private static LogStore StoreOf(TempDirectory dir, List<List<LogEvent>> parts, bool merge)
    {
        var store = StoreOfParts.Open(dir, parts);
        if (merge)
        {
            while (store.MergeOnceAsync(force: true).GetAwaiter().GetResult())
            {
            }
        }
        return store;
    }

    private static void Check(LogStore store, IReadOnlyList<LogEvent> events)
    {
        var engine = new QueryEngine(store);
        // the count, as a plain set of the texts
        var texts = events.SelectMany(e => e.Fields).Where(f => f.Key == "v").Select(f => f.Value.Text).ToHashSet(StringComparer.Ordinal);
        var all = engine.ExecuteAll(new QueryRequest(ParsedQuery.Parse("* | stats count_distinct(v)"), Now)).Select(ResultRow.From).Single();
        Assert.Equal(texts.Count.ToString(CultureInfo.InvariantCulture), all.ColumnList.Single().Value.Text);
        foreach (var text in Queries)
        {
            ReferenceAgreement.AssertSameAnswer(engine, events, text, Now);
        }
    }
}
