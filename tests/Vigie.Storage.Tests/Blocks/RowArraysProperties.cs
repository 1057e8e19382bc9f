using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Blocks;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>
/// The blocks a builder lends to the part writer take their times, kinds and offsets from the blocks
/// given back before (<see cref="RowArrays"/>): an array must never back two live blocks, a live block
/// must keep its rows whatever is built or given back meanwhile, and what is kept stays bounded.
/// </summary>
public class RowArraysProperties
{
    private static readonly StreamKey Stream = StreamKey.Create([new("app", "web")]);

    [Fact]
    public void BuildLent_RandomBuildsAndReturns_LiveBlocksNeverShareARowArrayNorChange()
    {
        // Few row counts, so that given-back arrays are taken again.
        var build = Gen.Zip(Gen.Elements(1, 2, 3, 7), Gen.Choose(0, 3)).Select(t => new Step(t.Item1, t.Item2, -1));
        var giveBack = Gen.Choose(0, 7).Select(i => new Step(0, 0, i));
        var steps = Gen.Frequency((3, build), (2, giveBack)).ArrayOf();
        Prop.ForAll(steps.ToArbitrary(), (Step[] script) =>
        {
            var builder = new ColumnarBlockBuilder(Stream);
            var live = new List<(ColumnarBlock Block, List<LogEvent> Rows)>();
            var seed = 0;
            foreach (var step in script)
            {
                if (step.Return >= 0)
                {
                    if (live.Count > 0)
                    {
                        var i = step.Return % live.Count;
                        live[i].Block.ReturnLentBuffers();
                        live.RemoveAt(i);
                    }
                    continue;
                }
                builder.Reset(Stream);
                for (var r = 0; r < step.Rows; r++)
                {
                    seed++;
                    List<KeyValuePair<string, FieldValue>> fields = [new("_msg", FieldValue.Str($"m{seed}"))];
                    // Columns some rows lack: absent kinds and empty offsets ranges in the lent arrays.
                    for (var c = 0; c < step.Columns; c++)
                    {
                        if ((seed + c) % 3 != 0)
                        {
                            fields.Add(new($"f{c}", FieldValue.Str(new string('v', (seed * 7 + c) % 5))));
                        }
                    }
                    builder.Add(new LogEvent(seed, Stream, fields));
                }
                var block = builder.BuildLent();
                live.Add((block, [.. Enumerable.Range(0, block.RowCount).Select(block.ToLogEvent)]));

                var arrays = live.SelectMany(l => l.Block.Columns.SelectMany(c => new object[] { c.Kinds, c.Offsets, c.Bytes }).Append(l.Block.Times)).ToList();
                Assert.Equal(arrays.Count, arrays.Distinct(ReferenceEqualityComparer.Instance).Count());
                foreach (var (b, rows) in live)
                {
                    Assert.Equal(rows.Count, b.Times.Length);
                    Assert.All(b.Columns, c => Assert.Equal(rows.Count, c.Kinds.Length));
                    Assert.Equal(rows, Enumerable.Range(0, b.RowCount).Select(b.ToLogEvent), LogEventComparer.Instance);
                }
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void BuildLent_AfterABlockIsGivenBack_ABlockOfItsRowCountTakesItsArrays()
    {
        var builder = new ColumnarBlockBuilder(Stream);
        builder.Add(new LogEvent(1, Stream, [new("_msg", FieldValue.Str("first"))]));
        var first = builder.BuildLent();
        var (times, kinds, offsets) = (first.Times, first.Columns[0].Kinds, first.Columns[0].Offsets);
        first.ReturnLentBuffers();

        builder.Reset(Stream);
        builder.Add(new LogEvent(2, Stream, [new("_msg", FieldValue.Str("second"))]));
        var second = builder.BuildLent();

        Assert.Same(times, second.Times);
        Assert.Same(kinds, second.Columns[0].Kinds);
        Assert.Same(offsets, second.Columns[0].Offsets);
        Assert.Equal(2, second.Times[0]);
        Assert.Equal("second", second.Columns[0].GetString(0));
    }

    /// <summary>Against a model: rented arrays have the exact length asked, are never out twice at once, and the bytes kept stay under the bound.</summary>
    [Fact]
    public void RentAndReturn_RandomSizes_ExactLengthsNoArrayTwiceKeptBounded()
    {
        var op = Gen.Zip(Gen.Zip(Gen.Elements(1, 5, 1000, 16_384, 100_000, 600_000), Gen.Choose(0, 2)), Gen.Elements(true, false))
            .Select(t => (Rows: t.Item1.Item1, Kind: t.Item1.Item2, Rent: t.Item2));
        Prop.ForAll(op.ArrayOf().ToArbitrary(), ((int Rows, int Kind, bool Rent)[] ops) =>
        {
            var pool = new RowArrays();
            var out_ = new List<Array>();
            foreach (var (rows, kind, rent) in ops)
            {
                if (rent || out_.Count == 0)
                {
                    Array array = kind switch
                    {
                        0 => pool.RentTimes(rows),
                        1 => pool.RentKinds(rows),
                        _ => pool.RentOffsets(rows),
                    };
                    Assert.Equal(kind == 2 ? rows + 1 : rows, array.Length);
                    Assert.DoesNotContain(out_, a => ReferenceEquals(a, array));
                    out_.Add(array);
                }
                else
                {
                    var array = out_[rows % out_.Count];
                    out_.Remove(array);
                    switch (array)
                    {
                        case long[] t: pool.ReturnTimes(t); break;
                        case ValueKind[] k: pool.ReturnKinds(k); break;
                        case int[] o: pool.ReturnOffsets(o); break;
                    }
                }
                Assert.InRange(pool.KeptBytes, 0, RowArrays.MaxKeptBytes);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    /// <summary>Builds a block of <paramref name="Rows"/> rows with <paramref name="Columns"/> columns besides _msg, or, when <paramref name="Return"/> is not negative, gives a live block back.</summary>
    public sealed record Step(int Rows, int Columns, int Return);

    private sealed class LogEventComparer : IEqualityComparer<LogEvent>
    {
        public static readonly LogEventComparer Instance = new();

        public bool Equals(LogEvent? x, LogEvent? y) =>
            x is not null && y is not null && x.TimeNs == y.TimeNs && x.Fields.SequenceEqual(y.Fields);

        public int GetHashCode(LogEvent obj) => obj.TimeNs.GetHashCode();
    }
}
