using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Parts;
using Vigie.Storage.Store;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Store;

public class PartMergerProperties
{
    private static readonly PartWriteOptions NoSync = new() { Sync = false };

    [Fact]
    public void Merge_RandomParts_HoldsExactlyTheUnionOfTheirRows()
    {
        using var dir = new TempDirectory();
        var trial = 0;
        // Blocks of one stream overlap in time or not, so that merges both copy blocks and rebuild runs.
        Prop.ForAll(RandomSourceParts.Seeds(maxBlocks: 5), (int[][] partSeeds) =>
        {
            var t = trial++;
            var readers = new List<PartReader>();
            try
            {
                RandomSourceParts.WriteAndOpen(dir, $"t{t}", partSeeds, MakeBlock, readers);
                var stats = new PartMerger.Stats();
                var merged = dir.File($"t{t}-merged.part");
                PartWriter.Write(merged, PartMerger.Blocks(readers, stats), NoSync);
                using var result = PartReader.Open(merged);
                result.Verify();

                Assert.Equal(Rows(readers), Rows([result]));
                Assert.Equal(readers.Sum(r => r.RowCount), stats.RowsCopied + stats.RowsRebuilt);
                Assert.True(result.Blocks.Count <= readers.Sum(r => r.Blocks.Count), "a merge never makes more blocks than its sources had");
                for (var b = 0; b < result.Blocks.Count; b++)
                {
                    var times = result.ReadTimes(b);
                    Assert.True(times.SequenceEqual(times.Order()), $"block {b}: rows sorted by time");
                }
            }
            finally
            {
                readers.ForEach(r => r.Dispose());
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    [Fact]
    public void Merge_FullBlock_IsCopiedAsStoredAndSmallBlocksOfAStreamAreCombined()
    {
        using var dir = new TempDirectory();
        var stream = StreamKey.Create([new("host", "a")]);
        var full = Block(stream, 0, PartMerger.FullRows);
        var smallA = Block(stream, 1_000_000, 100);
        var smallB = Block(stream, 2_000_000, 100);
        var lone = Block(StreamKey.Create([new("host", "b")]), 0, 10);
        using var a = Open(dir.File("a.part"), [full, smallA]);
        using var b = Open(dir.File("b.part"), [smallB, lone]);
        var stats = new PartMerger.Stats();

        PartWriter.Write(dir.File("m.part"), PartMerger.Blocks([a, b], stats), NoSync);

        using var merged = PartReader.Open(dir.File("m.part"));
        Assert.Equal(PartMerger.FullRows + 10, stats.RowsCopied);
        Assert.Equal(200, stats.RowsRebuilt);
        Assert.Equal([PartMerger.FullRows, 200, 10], merged.Blocks.Select(x => x.RowCount));
        // The copied block's segments are the very bytes of the source's: same checksums, same lengths.
        Assert.Equal(a.Blocks[0].Columns.Select(c => (c.Data.Checksum, c.Data.Length)), merged.Blocks[0].Columns.Select(c => (c.Data.Checksum, c.Data.Length)));
        RandomBlocks.AssertEqual(full, merged.ReadBlock(0));
        Assert.Equal(smallA.Times.Concat(smallB.Times), merged.ReadTimes(1));
    }

    [Fact]
    public void Merge_DamagedBlockToCopy_IsRefusedNotCarriedIntoTheNewPart()
    {
        using var dir = new TempDirectory();
        var path = dir.File("a.part");
        var block = Block(StreamKey.Create([new("host", "a")]), 0, 50);
        PartWriter.Write(path, [block], NoSync);
        long offset;
        using (var probe = PartReader.Open(path))
        {
            offset = probe.Blocks[0].Columns[0].Data.Offset;
        }
        using (var file = File.OpenWrite(path))
        {
            file.Position = offset + 1;
            file.WriteByte(0xFF);
        }
        using var damaged = PartReader.Open(path);
        using var other = Open(dir.File("b.part"), [Block(StreamKey.Create([new("host", "b")]), 0, 5)]);

        var e = Assert.Throws<PartCorruptException>(() => PartWriter.Write(dir.File("m.part"), PartMerger.Blocks([damaged, other]), NoSync));

        Assert.Contains("checksum", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("m.part")));
    }

    private static ColumnarBlock MakeBlock(int seed)
    {
        var block = RandomBlocks.Make(seed);
        return new ColumnarBlock(RandomSourceParts.Streams[seed % RandomSourceParts.Streams.Length], block.Times, block.Columns);
    }

    private static ColumnarBlock Block(StreamKey stream, long start, int rows)
    {
        var builder = new ColumnarBlockBuilder(stream);
        for (var i = 0; i < rows; i++)
        {
            builder.Add(new LogEvent(start + i * 1000L, stream,
                [new(FieldNames.Message, FieldValue.Str($"row {i} of {start}")), new("n", FieldValue.Num((i * 7 % 1000).ToString(System.Globalization.CultureInfo.InvariantCulture)))]));
        }
        return builder.Build();
    }

    private static PartReader Open(string path, ColumnarBlock[] blocks)
    {
        PartWriter.Write(path, blocks, NoSync);
        return PartReader.Open(path);
    }

    private static List<string> Rows(IEnumerable<PartReader> readers)
    {
        var rows = new List<string>();
        foreach (var reader in readers)
        {
            for (var b = 0; b < reader.Blocks.Count; b++)
            {
                var block = reader.ReadBlock(b);
                for (var r = 0; r < block.RowCount; r++)
                {
                    rows.Add(RandomEvents.Describe(block.ToLogEvent(r)));
                }
            }
        }
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}
