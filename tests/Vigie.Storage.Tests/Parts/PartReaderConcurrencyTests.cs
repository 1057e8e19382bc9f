using Vigie.Storage.Parts;

namespace Vigie.Storage.Tests.Parts;

public class PartReaderConcurrencyTests
{
    [Fact]
    public void ReadBlock_ManyThreadsOneReader_AllSeeTheSameBlocks()
    {
        using var dir = new TempDirectory();
        var blocks = Enumerable.Range(100, 12).Select(s => RandomBlocks.Make(s, maxRows: 200)).ToArray();
        var path = dir.File("shared.part");
        PartWriter.Write(path, blocks, new PartWriteOptions { Sync = false });
        using var reader = PartReader.Open(path);

        Parallel.For(0, 96, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var b = i % blocks.Length;
            RandomBlocks.AssertEqual(blocks[b], reader.ReadBlock(b));
            foreach (var c in reader.Blocks[b].Columns)
            {
                reader.MayContainAllTokens(b, c.Name, [1UL, 2UL]);
            }
        });
    }
}
