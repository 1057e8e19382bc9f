using FsCheck;
using FsCheck.Fluent;
using Vigie.Storage.Blocks;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Tests.Parts;

/// <summary>
/// Blocks decoded into arrays rented from a <see cref="LentBuffers"/> (as a merge reads its sources)
/// against the same blocks decoded into arrays of their own.
/// </summary>
public class LentDecodeProperties
{
    /// <summary>
    /// Reads random blocks (of varied sizes and encodings) in a random order with one lender, keeping a
    /// random number alive and giving them back in a random order: every live block stays equal to its
    /// fresh decoding, and no rented array backs two live blocks.
    /// </summary>
    [Fact]
    public void ReadBlock_WithLender_EqualsFreshDecode_WhileOthersAreGivenBackAndReused()
    {
        using var dir = new TempDirectory();
        var cases = Gen.Choose(0, int.MaxValue).ArrayOf().Select(a => a.Take(8).ToArray()).Where(a => a.Length > 0)
            .Zip(Gen.Choose(0, int.MaxValue)).ToArbitrary();
        var trial = 0;
        Prop.ForAll(cases, ((int[] BlockSeeds, int Seed) c) =>
        {
            var blocks = c.BlockSeeds.Select(s => RandomBlocks.Make(s, maxRows: 1 + (s % 600))).ToArray();
            var path = dir.File($"p{trial++}.part");
            PartWriter.Write(path, blocks, new PartWriteOptions { Sync = false });
            using var reader = PartReader.Open(path);
            var lender = new LentBuffers();
            var rows = new LentRows();
            var random = new Random(c.Seed);
            var live = new List<(int Index, ColumnarBlock Block)>();
            for (var step = 0; step < blocks.Length * 3; step++)
            {
                var index = random.Next(blocks.Length);
                live.Add((index, reader.ReadBlockLent(index, lender, rows)));
                while (live.Count > 0 && random.Next(3) == 0)
                {
                    var gone = random.Next(live.Count);
                    live[gone].Block.ReturnLentBuffers();
                    live.RemoveAt(gone);
                }
                var seen = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
                foreach (var (i, block) in live)
                {
                    Store.LentMergeReadProperties.AssertSameRows(blocks[i], block);
                    foreach (var array in block.Lent?.Arrays ?? [])
                    {
                        Assert.True(seen.Add(array), "one rented array backs two live blocks");
                    }
                }
            }
            foreach (var (_, block) in live)
            {
                block.ReturnLentBuffers();
            }
            File.Delete(path);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    [Fact]
    public void ReadBlock_WithLender_RentsEveryColumnsTextsAndReusesThemOnceGivenBack()
    {
        using var dir = new TempDirectory();
        // distinct texts, stored Raw, beside a number column, whose texts are produced from its numbers
        var rows = 700;
        var kinds = Enumerable.Repeat(Core.ValueKind.String, rows).ToArray();
        var block = new ColumnarBlock(
            Core.StreamKey.Empty,
            [.. Enumerable.Range(0, rows).Select(r => 1_000L * r)],
            [
                RandomBlocks.ToColumn("_msg", kinds, [.. Enumerable.Range(0, rows).Select(r => System.Text.Encoding.UTF8.GetBytes($"message {r * 7919 % 10007} of {r}"))]),
                RandomBlocks.ToColumn("path", kinds, [.. Enumerable.Range(0, rows).Select(r => System.Text.Encoding.UTF8.GetBytes($"/api/{r}/items/{r * 31}"))]),
                RandomBlocks.ToColumn("n", Enumerable.Repeat(Core.ValueKind.Number, rows).ToArray(), [.. Enumerable.Range(0, rows).Select(r => System.Text.Encoding.UTF8.GetBytes($"{r}"))]),
            ]);
        var path = dir.File("one.part");
        PartWriter.Write(path, [block], new PartWriteOptions { Sync = false });
        using var reader = PartReader.Open(path);
        var lender = new LentBuffers();
        var lentRows = new LentRows();

        var first = reader.ReadBlockLent(0, lender, lentRows);
        var rented = first.Lent?.Arrays ?? [];
        Assert.Equal(3, rented.Length);
        first.ReturnLentBuffers();
        Assert.Equal(rented.Length, lender.FreeCount);
        var second = reader.ReadBlockLent(0, lender, lentRows);

        Assert.Equal(0, lender.FreeCount);
        Assert.Equal(
            rented.ToHashSet(ReferenceEqualityComparer.Instance),
            (second.Lent?.Arrays ?? []).ToHashSet(ReferenceEqualityComparer.Instance));
        Store.LentMergeReadProperties.AssertSameRows(block, second);
        Assert.Null(reader.ReadBlock(0).Lent);
    }
}
