using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Blocks;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>
/// A flush's blocks borrow their builder's value arrays (<see cref="ColumnarBlockBuilder.BuildLent"/>) and
/// the part writer gives them back for the next blocks: an array must never back two live blocks,
/// and a live block must keep its values whatever is built or given back meanwhile.
/// </summary>
public class LentBuffersProperties
{
    private static readonly StreamKey Stream = StreamKey.Create([new("app", "web")]);

    [Fact]
    public void BuildLent_RandomBuildsAndReturns_LiveBlocksNeverShareAnArrayNorChange()
    {
        var text = Gen.Elements("", "a", "GET /index.html", "connection refused", new string('x', 3000), "ü");
        var row = Gen.Zip(Gen.Zip(text, text), Gen.Elements(true, false)).Select(t => (Msg: t.Item1.Item1, Path: t.Item1.Item2, HasPath: t.Item2));
        var build = row.ArrayOf().Where(r => r.Length > 0).Select(rows => new Step(rows, -1));
        var giveBack = Gen.Choose(0, 7).Select(i => new Step([], i));
        var steps = Gen.Frequency((3, build), (2, giveBack)).ArrayOf();
        Prop.ForAll(steps.ToArbitrary(), (Step[] script) =>
        {
            var builder = new ColumnarBlockBuilder(Stream);
            var live = new List<(ColumnarBlock Block, List<LogEvent> Rows)>();
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
                    for (var r = 0; r < step.Build.Length; r++)
                    {
                        var (msg, path, hasPath) = step.Build[r];
                        List<KeyValuePair<string, FieldValue>> fields = [new("_msg", FieldValue.Str(msg))];
                        if (hasPath)
                        {
                            fields.Add(new("path", FieldValue.Str(path)));
                        }
                        builder.Add(new LogEvent(r, Stream, fields));
                    }
                    var block = builder.BuildLent();
                    live.Add((block, [.. Enumerable.Range(0, block.RowCount).Select(block.ToLogEvent)]));
                }

                var arrays = live.SelectMany(l => l.Block.Columns.Select(c => c.Bytes)).ToList();
                Assert.Equal(arrays.Count, arrays.Distinct(ReferenceEqualityComparer.Instance).Count());
                foreach (var (block, rows) in live)
                {
                    Assert.Equal(rows, Enumerable.Range(0, block.RowCount).Select(block.ToLogEvent), LogEventComparer.Instance);
                }
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    [Fact]
    public void BuildLent_AfterABlockIsGivenBack_ItsArraysAreReused()
    {
        var builder = new ColumnarBlockBuilder(Stream);
        builder.Add(new LogEvent(1, Stream, [new("_msg", FieldValue.Str("first"))]));
        var first = builder.BuildLent();
        var firstArray = first.Columns[0].Bytes;
        first.ReturnLentBuffers();

        // The buffer that filled the first block took a fresh array; the next one lent takes the given-back one.
        builder.Reset(Stream);
        builder.Add(new LogEvent(2, Stream, [new("_msg", FieldValue.Str("second"))]));
        var second = builder.BuildLent();
        builder.Reset(Stream);
        builder.Add(new LogEvent(3, Stream, [new("_msg", FieldValue.Str("third"))]));
        var third = builder.BuildLent();

        Assert.True(ReferenceEquals(firstArray, second.Columns[0].Bytes) || ReferenceEquals(firstArray, third.Columns[0].Bytes));
        Assert.Equal("second", second.Columns[0].GetString(0));
        Assert.Equal("third", third.Columns[0].GetString(0));
    }

    /// <summary>Builds a block of <paramref name="Build"/>'s rows, or, when <paramref name="Return"/> is not negative, gives a live block back.</summary>
    public sealed record Step((string Msg, string Path, bool HasPath)[] Build, int Return);

    private sealed class LogEventComparer : IEqualityComparer<LogEvent>
    {
        public static readonly LogEventComparer Instance = new();

        public bool Equals(LogEvent? x, LogEvent? y) =>
            x is not null && y is not null && x.TimeNs == y.TimeNs && x.Fields.SequenceEqual(y.Fields);

        public int GetHashCode(LogEvent obj) => obj.TimeNs.GetHashCode();
    }
}
