using FsCheck;
using FsCheck.Fluent;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Tests.Parts;

/// <summary>
/// A new part's reader takes the index the writer held (<see cref="PartSummary.Index"/>) instead of
/// reading the file back: it must be what reading the file back gives, entry for entry, written
/// again to the same bytes, and shared the same way (the index of every live part stays in memory).
/// </summary>
public class WrittenIndexProperties
{
    private static readonly string FixtureDirectory = Path.Combine(AppContext.BaseDirectory, "Parts", "Fixtures");

    [Fact]
    public void Write_RandomBlocks_IndexInHandIsTheIndexReadBack()
    {
        using var dir = new TempDirectory();
        var seeds = Gen.Choose(0, int.MaxValue).ArrayOf().Select(a => a.Take(8).ToArray()).ToArbitrary();
        var trial = 0;
        Prop.ForAll(seeds, (int[] blockSeeds) =>
        {
            var path = dir.File($"p{trial++}.part");
            var summary = PartWriter.Write(path, Blocks(blockSeeds), new PartWriteOptions { Sync = false });
            using var read = PartReader.Open(path);
            using var handed = PartReader.OpenWritten(path, summary);
            AssertSameIndex(read, handed);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(150));
    }

    /// <summary>A merge's part: blocks copied as stored from other parts (an old-format one too) between blocks built anew.</summary>
    [Fact]
    public void Write_CopiedAndBuiltBlocks_IndexInHandIsTheIndexReadBack()
    {
        using var dir = new TempDirectory();
        using var old = PartReader.Open(Path.Combine(FixtureDirectory, "format-v1.part"));
        var seeds = Gen.Choose(0, int.MaxValue).ArrayOf().Select(a => a.Take(8).ToArray()).ToArbitrary();
        var trial = 0;
        Prop.ForAll(seeds, (int[] blockSeeds) =>
        {
            var sourcePath = dir.File($"s{trial}.part");
            PartWriter.Write(sourcePath, Blocks(blockSeeds), new PartWriteOptions { Sync = false });
            using var source = PartReader.Open(sourcePath);
            var random = new Random(blockSeeds.Length == 0 ? 0 : blockSeeds[0]);
            var parts = new List<PartBlock>();
            foreach (var reader in new[] { source, old })
            {
                for (var b = 0; b < reader.Blocks.Count; b++)
                {
                    parts.Add(random.Next(3) == 0 ? PartBlock.Of(RandomBlocks.Make(random.Next())) : PartBlock.Copy(reader, b));
                }
            }
            var path = dir.File($"m{trial++}.part");
            var summary = PartWriter.Write(path, parts, new PartWriteOptions { Sync = false });
            using var read = PartReader.Open(path);
            using var handed = PartReader.OpenWritten(path, summary);
            AssertSameIndex(read, handed);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }

    [Fact]
    public void OpenWritten_FileOfAnotherLength_Refused()
    {
        using var dir = new TempDirectory();
        var path = dir.File("p.part");
        var summary = PartWriter.Write(path, Blocks([1, 2, 3]), new PartWriteOptions { Sync = false });
        using (var file = new FileStream(path, FileMode.Append))
        {
            file.WriteByte(0);
        }
        Assert.Throws<IOException>(() => PartReader.OpenWritten(path, summary));
    }

    /// <summary>Blocks from seeds, some with the stream of the block before, as a flush writes a stream's blocks in a row.</summary>
    private static ColumnarBlock[] Blocks(int[] seeds)
    {
        var blocks = new ColumnarBlock[seeds.Length];
        for (var i = 0; i < seeds.Length; i++)
        {
            var block = RandomBlocks.Make(seeds[i]);
            blocks[i] = i > 0 && seeds[i] % 2 == 0 ? new ColumnarBlock(blocks[i - 1].Stream, block.Times, block.Columns) : block;
        }
        return blocks;
    }

    private static void AssertSameIndex(PartReader read, PartReader handed)
    {
        Assert.Equal(read.FileBytes, handed.FileBytes);
        Assert.Equal(read.RowCount, handed.RowCount);
        Assert.Equal(read.MinTime, handed.MinTime);
        Assert.Equal(read.MaxTime, handed.MaxTime);
        Assert.Equal(read.Blocks.Count, handed.Blocks.Count);
        for (var b = 0; b < read.Blocks.Count; b++)
        {
            var expected = read.Blocks[b];
            var actual = handed.Blocks[b];
            Assert.Equal(expected.Stream, actual.Stream);
            Assert.Equal((expected.MinTime, expected.MaxTime, expected.RowCount), (actual.MinTime, actual.MaxTime, actual.RowCount));
            Assert.Equal((expected.Times, expected.TimesEncoding), (actual.Times, actual.TimesEncoding));
            Assert.Equal(expected.Columns.Count, actual.Columns.Count);
            for (var c = 0; c < expected.Columns.Count; c++)
            {
                AssertSameColumn(expected.Columns[c], actual.Columns[c]);
                Assert.Same(actual.Columns[c], actual.FindColumn(expected.Columns[c].Name));
            }
            Assert.Null(actual.FindColumn("not a column"));
        }
        // Written again, the two indexes are the same bytes: nothing the file holds differs.
        var first = new ByteBuffer();
        PartIndex.Write(first, read.Blocks);
        var second = new ByteBuffer();
        PartIndex.Write(second, handed.Blocks);
        Assert.Equal(Convert.ToHexString(first.Span), Convert.ToHexString(second.Span));
        // Shared alike: where the index read back holds one object for two entries, so does the one in hand.
        Assert.Equal(SharingShape(read, c => c.Name), SharingShape(handed, c => c.Name));
        Assert.Equal(SharingShape(read, c => c.DictionaryValues), SharingShape(handed, c => c.DictionaryValues));
        Assert.Equal(
            SharingShape(read, c => c.ConstValue is { } v ? v.Text : null),
            SharingShape(handed, c => c.ConstValue is { } v ? v.Text : null));
        // The blocks' layouts decide FindColumn; their sharing is checked through the streams' and names' above.
        Assert.Equal(
            Shape(read.Blocks.Select(b => (object?)b.Stream).ToList()),
            Shape(handed.Blocks.Select(b => (object?)b.Stream).ToList()));
        // Reading a block through either gives the same block.
        for (var b = 0; b < read.Blocks.Count; b++)
        {
            RandomBlocks.AssertEqual(read.ReadBlock(b), handed.ReadBlock(b));
        }
    }

    private static void AssertSameColumn(ColumnInfo expected, ColumnInfo actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal((expected.Encoding, expected.KindsLayout, expected.UniformKind, expected.PresentRows), (actual.Encoding, actual.KindsLayout, actual.UniformKind, actual.PresentRows));
        Assert.Equal((expected.Data, expected.Bloom), (actual.Data, actual.Bloom));
        Assert.Equal(expected.MinNumber.HasValue, actual.MinNumber.HasValue);
        Assert.Equal(
            (BitConverter.DoubleToInt64Bits(expected.MinNumber ?? 0), BitConverter.DoubleToInt64Bits(expected.MaxNumber ?? 0)),
            (BitConverter.DoubleToInt64Bits(actual.MinNumber ?? 0), BitConverter.DoubleToInt64Bits(actual.MaxNumber ?? 0)));
        Assert.Equal(expected.ConstValue, actual.ConstValue);
        Assert.Equal(expected.DictionaryValues, actual.DictionaryValues);
        Assert.Equal(
            expected.Entries.Select(e => (e.Kind, Convert.ToHexString(e.Bytes))),
            actual.Entries.Select(e => (e.Kind, Convert.ToHexString(e.Bytes))));
    }

    /// <summary>For each column of the part in order, the position of the first column whose <paramref name="of"/> is the same object.</summary>
    private static List<int> SharingShape(PartReader reader, Func<ColumnInfo, object?> of) =>
        Shape([.. reader.Blocks.SelectMany(b => b.Columns).Select(of)]);

    private static List<int> Shape(List<object?> objects)
    {
        var shape = new List<int>(objects.Count);
        for (var i = 0; i < objects.Count; i++)
        {
            var first = i;
            if (objects[i] is not null)
            {
                first = objects.FindIndex(o => ReferenceEquals(o, objects[i]));
            }
            shape.Add(first);
        }
        return shape;
    }
}
