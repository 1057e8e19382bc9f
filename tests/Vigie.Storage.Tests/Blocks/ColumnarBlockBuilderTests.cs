using System.Text;
using Vigie.Core;
using Vigie.Storage.Blocks;

namespace Vigie.Storage.Tests.Blocks;

public class ColumnarBlockBuilderTests
{
    private static readonly StreamKey Web = StreamKey.Create([new("app", "web")]);

    [Fact]
    public void Build_FieldInSomeRowsOnly_AbsentInOthers()
    {
        var builder = new ColumnarBlockBuilder(Web);
        builder.Add(new LogEvent(1, Web, [new("a", FieldValue.Str("x"))]));
        builder.Add(new LogEvent(2, Web, [new("b", FieldValue.Num("7"))]));
        builder.Add(new LogEvent(3, Web, []));

        var block = builder.Build();

        Assert.Equal([1L, 2, 3], block.Times);
        Assert.Equal([ValueKind.String, ValueKind.Absent, ValueKind.Absent], block.GetColumn("a")!.Kinds);
        Assert.Equal([ValueKind.Absent, ValueKind.Number, ValueKind.Absent], block.GetColumn("b")!.Kinds);
        Assert.Equal("7", block.GetColumn("b")!.GetString(1));
        Assert.Equal(0, block.GetColumn("a")!.GetValue(2).Length);
    }

    [Fact]
    public void Add_SameFieldTwiceInOneEvent_LastWins()
    {
        var batch = new EventBatch();
        batch.BeginEvent(10);
        batch.AddField("k", ValueKind.String, "first-and-longer");
        batch.AddField("other", ValueKind.String, "o");
        batch.AddField("k", ValueKind.Number, "2");
        batch.EndEvent(Web);
        var builder = new ColumnarBlockBuilder(Web);

        builder.Add(batch.GetTime(0), batch, 0);
        var block = builder.Build();

        Assert.Equal(ValueKind.Number, block.GetColumn("k")!.Kinds[0]);
        Assert.Equal("2", block.GetColumn("k")!.GetString(0));
        Assert.Equal(2, builder.ValueBytes);
    }

    [Fact]
    public void Add_FromBatchAndFromBlock_SameRows()
    {
        var batch = new EventBatch();
        for (var i = 0; i < 100; i++)
        {
            batch.BeginEvent(i);
            batch.AddField("_msg", ValueKind.String, $"line {i}");
            if (i % 3 == 0)
            {
                batch.AddField("n", ValueKind.Number, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            batch.EndEvent(Web);
        }
        var fromBatch = new ColumnarBlockBuilder(Web);
        for (var i = 0; i < batch.Count; i++)
        {
            fromBatch.Add(batch.GetTime(i), batch, i);
        }
        var first = fromBatch.Build();
        var fromBlock = new ColumnarBlockBuilder(Web);
        for (var r = 0; r < first.RowCount; r++)
        {
            fromBlock.Add(first, r);
        }

        var second = fromBlock.Build();

        Parts.RandomBlocks.AssertEqual(first, second);
        Assert.Equal(fromBatch.ValueBytes, fromBlock.ValueBytes);
        Assert.Equal(batch.ValueBytes, fromBatch.ValueBytes);
        for (var i = 0; i < batch.Count; i++)
        {
            Assert.Equal(batch.ToLogEvent(i).Fields, first.ToLogEvent(i).Fields);
        }
    }

    [Fact]
    public void Reset_AfterBuild_StartsEmptyAndKeepsEarlierBlockIntact()
    {
        var builder = new ColumnarBlockBuilder(Web);
        builder.Add(new LogEvent(1, Web, [new("a", FieldValue.Str("one"))]));
        var first = builder.Build();
        var other = StreamKey.Create([new("app", "db")]);

        builder.Reset(other);
        builder.Add(new LogEvent(0, other, [new("b", FieldValue.Str("two"))]));
        var second = builder.Build();

        Assert.Equal("one", first.GetColumn("a")!.GetString(0));
        Assert.Equal(other, second.Stream);
        Assert.Null(second.GetColumn("a"));
        Assert.Equal("two", second.GetColumn("b")!.GetString(0));
        Assert.Equal(1, builder.RowCount);
        Assert.Equal(3, builder.ValueBytes);
    }

    [Fact]
    public void Add_TimeBeforePreviousRow_Throws()
    {
        var builder = new ColumnarBlockBuilder(Web);
        builder.Add(new LogEvent(5, Web, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Add(new LogEvent(4, Web, [])));
        builder.Add(new LogEvent(5, Web, []));
        Assert.Equal(2, builder.RowCount);
    }

    [Fact]
    public void Build_ManyRowsAndLongValues_GrowsBuffers()
    {
        var builder = new ColumnarBlockBuilder(Web);
        var big = new string('x', 100_000) + "é";
        for (var i = 0; i < 5000; i++)
        {
            builder.Add(new LogEvent(i, Web, [new($"f{i % 50}", FieldValue.Str(i % 1000 == 0 ? big : "v"))]));
        }

        var block = builder.Build();

        Assert.Equal(5000, block.RowCount);
        Assert.Equal(50, block.Columns.Count);
        Assert.Equal(big, block.GetColumn("f0")!.GetString(0));
        Assert.Equal(Encoding.UTF8.GetByteCount(big) * 5 + 4995, builder.ValueBytes);
    }
}
