using FsCheck;
using FsCheck.Fluent;
using Vigie.Storage.Blocks;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Tests.Parts;

public class PartRoundTripProperties
{
    [Fact]
    public void Write_RandomBlocks_ReadBackIdentical()
    {
        using var dir = new TempDirectory();
        var seeds = Gen.Choose(0, int.MaxValue).ArrayOf().Select(a => a.Take(6).ToArray()).ToArbitrary();
        var trial = 0;
        Prop.ForAll(seeds, (int[] blockSeeds) =>
        {
            var blocks = blockSeeds.Select(s => RandomBlocks.Make(s)).ToArray();
            var path = dir.File($"p{trial++}.part");
            var summary = PartWriter.Write(path, blocks, new PartWriteOptions { Sync = false });
            using var reader = PartReader.Open(path);

            Assert.Equal(blocks.Length, reader.Blocks.Count);
            Assert.Equal(blocks.Sum(b => (long)b.RowCount), reader.RowCount);
            Assert.Equal(summary.Rows, reader.RowCount);
            Assert.Equal(new FileInfo(path).Length, reader.FileBytes);
            Assert.Equal(summary.FileBytes, reader.FileBytes);
            if (blocks.Length > 0)
            {
                Assert.Equal(blocks.Min(b => b.Times[0]), reader.MinTime);
                Assert.Equal(blocks.Max(b => b.Times[^1]), reader.MaxTime);
            }
            for (var b = 0; b < blocks.Length; b++)
            {
                var info = reader.Blocks[b];
                Assert.Equal(blocks[b].Stream, info.Stream);
                Assert.Equal(blocks[b].RowCount, info.RowCount);
                Assert.Equal(blocks[b].Times[0], info.MinTime);
                Assert.Equal(blocks[b].Times[^1], info.MaxTime);
                RandomBlocks.AssertEqual(blocks[b], reader.ReadBlock(b));
                Assert.Equal(blocks[b].Times, reader.ReadTimes(b));
                foreach (var column in blocks[b].Columns)
                {
                    AssertInfoDescribes(column, info.FindColumn(column.Name)!);
                }
            }
            File.Delete(path);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }

    [Fact]
    public void ReadBlock_ColumnSubset_ReturnsOnlyThoseInBlockOrder()
    {
        using var dir = new TempDirectory();
        var block = RandomBlocks.Make(42);
        while (block.Columns.Count < 3)
        {
            block = RandomBlocks.Make(block.GetHashCode());
        }
        var path = dir.File("subset.part");
        PartWriter.Write(path, [block], new PartWriteOptions { Sync = false });
        using var reader = PartReader.Open(path);
        var wanted = new HashSet<string> { block.Columns[2].Name, block.Columns[0].Name, "no-such-column" };

        var read = reader.ReadBlock(0, wanted);

        Assert.Equal([block.Columns[0].Name, block.Columns[2].Name], read.Columns.Select(c => c.Name));
        Assert.Equal(block.Times, read.Times);
        Assert.Equal(block.Columns[2].Kinds, read.GetColumn(block.Columns[2].Name)!.Kinds);
        Assert.Empty(reader.ReadBlock(0, []).Columns);
    }

    private static void AssertInfoDescribes(Column column, ColumnInfo info)
    {
        var present = column.Kinds.Count(k => k != Core.ValueKind.Absent);
        Assert.Equal(present, info.PresentRows);
        if (info.ConstValue is { } constant)
        {
            for (var r = 0; r < column.RowCount; r++)
            {
                Assert.Equal(constant, column.GetFieldValue(r));
            }
        }
        if (info.Encoding == Vigie.Storage.Blocks.Encodings.ColumnEncoding.Dict)
        {
            for (var r = 0; r < column.RowCount; r++)
            {
                if (column.GetFieldValue(r) is { } v)
                {
                    Assert.Contains(v, info.DictionaryValues);
                }
            }
        }
        if (info.MinNumber is { } min && info.MaxNumber is { } max)
        {
            for (var r = 0; r < column.RowCount; r++)
            {
                if (column.Has(r))
                {
                    Assert.True(Core.NumberText.TryParse(column.GetValue(r), out var d));
                    Assert.InRange(d, min, max);
                }
            }
        }
    }
}
