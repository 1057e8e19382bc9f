using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Blocks;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>
/// The blocks of <see cref="ColumnarBlockBuilder.BuildLent"/> take the builder's times, kinds and
/// offsets arrays (longer than their rows) and give them back with the block: no array may back two
/// live blocks, and a live block keeps its rows, equal to those of an exact copy
/// (<see cref="ColumnarBlockBuilder.Build"/>), whatever is built or given back meanwhile.
/// </summary>
public class LentRowsProperties
{
    private static readonly StreamKey Stream = StreamKey.Create([new("app", "web")]);

    [Fact]
    public void BuildLent_RandomBlockSizes_RowsEqualExactCopiesAndNoArrayShared()
    {
        var longer = 0;
        var field = Gen.Zip(Gen.Elements("_msg", "level", "status", "path"), Gen.Elements("", "a", "GET /x", "500", "connection refused"));
        var row = field.ArrayOf().Select(f => f.Take(4).ToArray());
        // Row counts from one to a few thousand, so that arrays grown by a large block are lent to small ones and back.
        var rows = Gen.Frequency((4, Gen.Choose(1, 40)), (1, Gen.Choose(200, 3000))).SelectMany(n => row.ArrayOf(n));
        var build = rows.Select(r => new Step(r, -1));
        var giveBack = Gen.Choose(0, 7).Select(i => new Step([], i));
        var steps = Gen.Frequency((3, build), (2, giveBack)).ArrayOf();
        Prop.ForAll(steps.ToArbitrary(), (Step[] script) =>
        {
            var builder = new ColumnarBlockBuilder(Stream);
            var exactBuilder = new ColumnarBlockBuilder(Stream);
            var live = new List<(ColumnarBlock Block, string[] Rows)>();
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
                }
                else
                {
                    builder.Reset(Stream);
                    exactBuilder.Reset(Stream);
                    for (var r = 0; r < step.Build.Length; r++)
                    {
                        var e = new LogEvent(r * 10L, Stream, [.. step.Build[r].Select(f => new KeyValuePair<string, FieldValue>(f.Name, FieldValue.Str(f.Value)))]);
                        builder.Add(e);
                        exactBuilder.Add(e);
                    }
                    var block = builder.BuildLent();
                    var exact = exactBuilder.Build();
                    Assert.Equal(exact.RowCount, block.RowCount);
                    if (block.Times.Length > block.RowCount && block.Columns.All(c => c.Kinds.Length > c.RowCount))
                    {
                        longer++;
                    }
                    Assert.Equal(Describe(exact), Describe(block));
                    live.Add((block, Describe(block)));
                }

                var arrays = live.SelectMany(l => l.Block.Columns.SelectMany(c => new object[] { c.Kinds, c.Offsets, c.Bytes }).Append(l.Block.Times)).ToList();
                Assert.Equal(arrays.Count, arrays.Distinct(ReferenceEqualityComparer.Instance).Count());
                foreach (var (block, described) in live)
                {
                    Assert.Equal(described, Describe(block));
                }
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(150));
        Assert.True(longer > 0, "no lent block had arrays longer than its rows");
    }

    [Fact]
    public void BuildLent_GivenBack_RowArraysAreReused()
    {
        var builder = new ColumnarBlockBuilder(Stream);
        builder.Add(new LogEvent(1, Stream, [new("_msg", FieldValue.Str("first"))]));
        var first = builder.BuildLent();
        var (times, kinds, offsets) = (first.Times, first.Columns[0].Kinds, first.Columns[0].Offsets);
        first.ReturnLentBuffers();

        // The builder went on with fresh arrays; the next blocks lent take the given-back ones.
        var later = new List<ColumnarBlock>();
        for (var i = 0; i < 2; i++)
        {
            builder.Reset(Stream);
            builder.Add(new LogEvent(2 + i, Stream, [new("_msg", FieldValue.Str("next"))]));
            later.Add(builder.BuildLent());
        }

        Assert.Contains(later, b => ReferenceEquals(b.Times, times));
        Assert.Contains(later, b => ReferenceEquals(b.Columns[0].Kinds, kinds));
        Assert.Contains(later, b => ReferenceEquals(b.Columns[0].Offsets, offsets));
        Assert.Equal([2L, 3L], later.Select(b => b.Times[0]));
        Assert.All(later, b => Assert.Equal(1, b.RowCount));
    }

    private static string[] Describe(ColumnarBlock block) =>
        [.. Enumerable.Range(0, block.RowCount).Select(r =>
            $"{block.Times[r]}|" + string.Join("|", block.Columns.Select(c => $"{c.Name}:{c.Kinds[r]}:{c.GetString(r)}")))];

    /// <summary>Builds a block of <paramref name="Build"/>'s rows, or, when <paramref name="Return"/> is not negative, gives a live block back.</summary>
    public sealed record Step((string Name, string Value)[][] Build, int Return);
}
