using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Tests.Parts;

public class PartCorruptionTests
{
    [Fact]
    public void Open_EveryByteFlippedInSmallPart_ThrowsPartCorruptOnOpenOrVerify()
    {
        using var dir = new TempDirectory();
        var original = WriteSample(dir, "small.part", seeds: [3, 11]);
        var random = new Random(7);
        for (var offset = 0; offset < original.Length; offset++)
        {
            var damaged = (byte[])original.Clone();
            damaged[offset] ^= (byte)random.Next(1, 256);
            AssertDetected(dir, damaged, $"flip at {offset}");
        }
    }

    [Fact]
    public void Open_RandomBytesFlippedInLargePart_ThrowsPartCorruptOnOpenOrVerify()
    {
        using var dir = new TempDirectory();
        var original = WriteSample(dir, "large.part", seeds: [1, 2, 5, 8, 13, 21]);
        var random = new Random(11);
        for (var trial = 0; trial < 400; trial++)
        {
            var damaged = (byte[])original.Clone();
            var flips = random.Next(1, 4);
            for (var f = 0; f < flips; f++)
            {
                damaged[random.Next(damaged.Length)] ^= (byte)random.Next(1, 256);
            }
            AssertDetected(dir, damaged, $"trial {trial}");
        }
    }

    [Fact]
    public void Open_EveryTruncation_ThrowsPartCorrupt()
    {
        using var dir = new TempDirectory();
        var original = WriteSample(dir, "trunc.part", seeds: [3, 11]);
        var path = dir.File("truncated.part");
        for (var length = 0; length < original.Length; length++)
        {
            File.WriteAllBytes(path, original.AsSpan(0, length).ToArray());
            var e = Assert.Throws<PartCorruptException>(() => PartReader.Open(path).Dispose());
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ReadBlock_FileTruncatedAfterOpen_ThrowsPartCorrupt()
    {
        using var dir = new TempDirectory();
        var original = WriteSample(dir, "shrink.part", seeds: [3, 11]);
        var path = dir.File("shrinking.part");
        File.WriteAllBytes(path, original);
        using var reader = PartReader.Open(path);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            stream.SetLength(PartFormat.HeaderSize + 1);
        }

        Assert.Throws<PartCorruptException>(reader.Verify);
    }

    [Fact]
    public void Open_DamagedSegment_MessageNamesFileOffsetAndProblem()
    {
        using var dir = new TempDirectory();
        var original = WriteSample(dir, "msg.part", seeds: [3]);
        var path = dir.File("damaged.part");
        File.WriteAllBytes(path, original);
        const long offset = PartFormat.HeaderSize; // the first block's times segment
        original[offset] ^= 0xFF;
        File.WriteAllBytes(path, original);
        using var damaged = PartReader.Open(path);

        var e = Assert.Throws<PartCorruptException>(() => damaged.ReadBlock(0));

        Assert.Equal(path, e.FilePath);
        Assert.Equal(offset, e.Offset);
        Assert.Contains("checksum mismatch", e.Message, StringComparison.Ordinal);
        Assert.Contains(offset.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    private static void AssertDetected(TempDirectory dir, byte[] damaged, string what)
    {
        var path = dir.File("damaged.part");
        File.WriteAllBytes(path, damaged);
        try
        {
            using var reader = PartReader.Open(path);
            reader.Verify();
            for (var b = 0; b < reader.Blocks.Count; b++)
            {
                foreach (var c in reader.Blocks[b].Columns)
                {
                    reader.MayContainAllTokens(b, c.Name, [Tokenizer.Hash("error"u8)]);
                }
            }
        }
        catch (PartCorruptException)
        {
            return;
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name} instead of PartCorruptException: {e}");
        }
        Assert.Fail($"{what}: damage went unnoticed");
    }

    /// <summary>A part with several blocks covering every encoding, blooms and stream keys; returns its bytes.</summary>
    private static byte[] WriteSample(TempDirectory dir, string name, int[] seeds)
    {
        var builder = new ColumnarBlockBuilder(StreamKey.Create([new("app", "web")]));
        for (var i = 0; i < 40; i++)
        {
            builder.Add(new LogEvent(1_000_000_000L * i, builder.Stream,
            [
                new("_msg", FieldValue.Str($"GET /items/{i % 7} took {i * 3}ms error={i % 2 == 0}")),
                new("level", FieldValue.Str(i % 3 == 0 ? "warn" : "info")),
                new("status", FieldValue.Num(i % 5 == 0 ? "500" : "200")),
                new("bytes", FieldValue.Num((i * 1013).ToString(System.Globalization.CultureInfo.InvariantCulture))),
                new("ratio", FieldValue.Num((i / 8.0).ToString("R", System.Globalization.CultureInfo.InvariantCulture))),
                new("app", FieldValue.Str("web")),
            ]));
        }
        var blocks = new List<ColumnarBlock> { builder.Build() };
        blocks.AddRange(seeds.Select(s => RandomBlocks.Make(s, maxRows: 60)));
        var path = dir.File(name);
        PartWriter.Write(path, blocks, new PartWriteOptions { Sync = false });
        return File.ReadAllBytes(path);
    }
}
