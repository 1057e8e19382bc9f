using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Parts;
using Vigie.Storage.Store;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Store;

/// <summary>
/// Merges decode their source blocks into lent arrays (<see cref="PartReader.ReadBlockLent"/>): times,
/// kinds and offsets usually longer than the block's rows, value bytes in reused arrays. Checked
/// against the exact reads queries use.
/// </summary>
public class LentMergeReadProperties
{
    private static readonly PartWriteOptions NoSync = new() { Sync = false };

    /// <summary>
    /// Random blocks (every encoding, absent rows, 1 to 3,000 rows) read in a random order through one
    /// lender, a random number kept alive and given back in a random order: every live block has the
    /// rows of the exact read of the same block, no array backs two live blocks, and the row arrays
    /// are longer than the rows of some blocks (small ones, and those after larger ones).
    /// </summary>
    [Fact]
    public void ReadBlockLent_EqualsExactRead_WhileOthersAreGivenBackAndReused()
    {
        using var dir = new TempDirectory();
        var cases = Gen.Choose(0, int.MaxValue).ArrayOf().Select(a => a.Take(8).ToArray()).Where(a => a.Length > 0)
            .Zip(Gen.Choose(0, int.MaxValue)).ToArbitrary();
        var trial = 0;
        var longer = 0;
        Prop.ForAll(cases, ((int[] BlockSeeds, int Seed) c) =>
        {
            var blocks = c.BlockSeeds.Select(s => RandomBlocks.Make(s, maxRows: 1 + (s % 3000))).ToArray();
            var path = dir.File($"p{trial++}.part");
            PartWriter.Write(path, blocks, NoSync);
            using var reader = PartReader.Open(path);
            var values = new LentBuffers();
            var rows = new LentRows();
            var random = new Random(c.Seed);
            var live = new List<(int Index, ColumnarBlock Block)>();
            for (var step = 0; step < blocks.Length * 3; step++)
            {
                var index = random.Next(blocks.Length);
                var block = reader.ReadBlockLent(index, values, rows);
                longer += block.Times.Length > block.RowCount ? 1 : 0;
                live.Add((index, block));
                while (live.Count > 0 && random.Next(3) == 0)
                {
                    var gone = random.Next(live.Count);
                    live[gone].Block.ReturnLentBuffers();
                    live.RemoveAt(gone);
                }
                var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
                foreach (var (i, b) in live)
                {
                    AssertSameRows(reader.ReadBlock(i), b);
                    Assert.True(seen.Add(b.Times), "one times array backs two live blocks");
                    foreach (var column in b.Columns)
                    {
                        Assert.Null(column.Numbers);
                        Assert.Null(column.DictionaryCodes);
                        Assert.True(seen.Add(column.Kinds), "one kinds array backs two live columns");
                        Assert.True(seen.Add(column.Offsets), "one offsets array backs two live columns");
                        Assert.True(seen.Add(column.Bytes), "one value array backs two live columns");
                    }
                }
            }
            foreach (var (_, block) in live)
            {
                block.ReturnLentBuffers();
            }
            File.Delete(path);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
        Assert.True(longer > 0, "no block was read into arrays longer than its rows");
    }

    /// <summary>
    /// Random parts over a few streams (blocks small and full, in time order or overlapping) merged
    /// with the sources read into lent arrays and into exact ones: the same file, byte for byte; and
    /// the merged part read back through lent arrays has the rows of its exact read.
    /// </summary>
    [Fact]
    public void Merge_ThroughLentReads_WritesTheSameFileAsThroughExactReads()
    {
        using var dir = new TempDirectory();
        var trial = 0;
        Prop.ForAll(RandomSourceParts.Seeds(maxBlocks: 6), (int[][] partSeeds) =>
        {
            var t = trial++;
            var readers = new List<PartReader>();
            try
            {
                RandomSourceParts.WriteAndOpen(dir, $"t{t}", partSeeds, MakeBlock, readers);
                var lentStats = new PartMerger.Stats();
                var exactStats = new PartMerger.Stats();
                var lent = dir.File($"t{t}-lent.part");
                var exact = dir.File($"t{t}-exact.part");
                PartWriter.Write(lent, PartMerger.Blocks(readers, lentStats, exactReads: false), NoSync);
                PartWriter.Write(exact, PartMerger.Blocks(readers, exactStats, exactReads: true), NoSync);

                Assert.Equal(File.ReadAllBytes(exact), File.ReadAllBytes(lent));
                Assert.Equal(exactStats.RowsRebuilt, lentStats.RowsRebuilt);
                using var merged = PartReader.Open(lent);
                var values = new LentBuffers();
                var rows = new LentRows();
                for (var b = 0; b < merged.Blocks.Count; b++)
                {
                    var block = merged.ReadBlockLent(b, values, rows);
                    AssertSameRows(merged.ReadBlock(b), block);
                    block.ReturnLentBuffers();
                }
                File.Delete(lent);
                File.Delete(exact);
            }
            finally
            {
                readers.ForEach(r => r.Dispose());
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    /// <summary>A damaged data segment is refused by the lent read as by the exact one.</summary>
    [Fact]
    public void ReadBlockLent_DamagedColumn_IsRefused()
    {
        using var dir = new TempDirectory();
        var block = RandomBlocks.Make(7, maxRows: 300);
        while (block.Columns.Count == 0)
        {
            block = RandomBlocks.Make(block.RowCount + 11, maxRows: 300);
        }
        var path = dir.File("damaged.part");
        PartWriter.Write(path, [block], NoSync);
        long offset;
        using (var reader = PartReader.Open(path))
        {
            var data = reader.Blocks[0].Columns[^1].Data;
            offset = data.Offset + (data.Length / 2);
        }
        var bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 0x5A;
        File.WriteAllBytes(path, bytes);

        using var damaged = PartReader.Open(path);
        Assert.Throws<PartCorruptException>(() => damaged.ReadBlock(0));
        var e = Assert.Throws<PartCorruptException>(() => damaged.ReadBlockLent(0, new LentBuffers(), new LentRows()));
        Assert.Contains("checksum", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The rows of <paramref name="actual"/> (whose arrays may be longer) equal those of <paramref name="expected"/>.</summary>
    internal static void AssertSameRows(ColumnarBlock expected, ColumnarBlock actual)
    {
        Assert.Equal(expected.Stream, actual.Stream);
        Assert.Equal(expected.RowCount, actual.RowCount);
        Assert.True(actual.Times.Length >= actual.RowCount, "a lent block has its times");
        Assert.Equal(expected.Times.AsSpan(0, expected.RowCount).ToArray(), actual.Times.AsSpan(0, actual.RowCount).ToArray());
        Assert.Equal(expected.Columns.Select(c => c.Name), actual.Columns.Select(c => c.Name));
        for (var c = 0; c < expected.Columns.Count; c++)
        {
            var e = expected.Columns[c];
            var a = actual.Columns[c];
            Assert.Equal(expected.RowCount, a.RowCount);
            Assert.Equal(e.Kinds.AsSpan(0, e.RowCount).ToArray(), a.Kinds.AsSpan(0, a.RowCount).ToArray());
            for (var r = 0; r < e.RowCount; r++)
            {
                Assert.True(e.GetValue(r).SequenceEqual(a.GetValue(r)), $"column {e.Name} row {r} differs");
            }
        }
    }

    /// <summary>
    /// A random block of one of three streams; every other one keeps its times (far apart from other
    /// blocks', runs of one stream then disjoint), the others get times within 10 s of 0, overlapping.
    /// </summary>
    private static ColumnarBlock MakeBlock(int seed)
    {
        var block = RandomBlocks.Make(seed, maxRows: seed % 4 == 0 ? 2500 : 400);
        var times = block.Times;
        if (seed % 2 == 1)
        {
            var random = new Random(seed);
            times = [.. Enumerable.Range(0, block.RowCount).Select(_ => random.NextInt64(10_000_000_000)).Order()];
        }
        return new ColumnarBlock(RandomSourceParts.Streams[seed % RandomSourceParts.Streams.Length], times, block.Columns);
    }
}
