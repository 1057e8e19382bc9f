using Vigie.Storage.Parts;

namespace Vigie.Storage.Tests.Parts;

/// <summary>A block read with some columns, then completed, is the block read whole: same columns, same order, same values.</summary>
public sealed class CompleteBlockTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    [InlineData(1234)]
    public void CompleteBlock_SubsetRead_EqualsWholeRead(int seed)
    {
        using var dir = new TempDirectory();
        var block = RandomBlocks.Make(seed);
        var path = dir.File("complete.part");
        PartWriter.Write(path, [block], new PartWriteOptions { Sync = false });
        using var reader = PartReader.Open(path);
        var some = block.Columns.Where((_, i) => i % 2 == 1).Select(c => c.Name).ToHashSet();

        var partial = reader.ReadBlock(0, some);
        var completed = reader.CompleteBlock(0, partial);

        RandomBlocks.AssertEqual(block, completed);
        Assert.Equal(block.Columns.Select(c => c.Name), completed.Columns.Select(c => c.Name));
        foreach (var name in some)
        {
            // columns already decoded are kept, not decoded again
            Assert.Same(partial.GetColumn(name), completed.GetColumn(name));
        }
        Assert.Throws<ArgumentException>(() => reader.CompleteBlock(0, reader.ReadBlock(0, some, withTimes: false)));
    }
}
