using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Parts;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Store;

/// <summary>
/// Source parts for merge properties: one to several parts of a few random blocks each, over a few
/// streams, so that blocks of one stream meet across parts and within one.
/// </summary>
internal static class RandomSourceParts
{
    private static readonly PartWriteOptions NoSync = new() { Sync = false };

    public static readonly StreamKey[] Streams =
        [StreamKey.Empty, StreamKey.Create([new("host", "a")]), StreamKey.Create([new("host", "b"), new("service", "x")])];

    /// <summary>Block seeds of each part: at least one part, at most four, each of one to <paramref name="maxBlocks"/> blocks.</summary>
    public static Arbitrary<int[][]> Seeds(int maxBlocks) =>
        Gen.Choose(0, int.MaxValue).ArrayOf().Select(a => a.Take(maxBlocks).ToArray()).ArrayOf()
            .Select(p => p.Take(4).Where(b => b.Length > 0).ToArray()).Where(p => p.Length >= 1).ToArbitrary();

    /// <summary>
    /// Writes one part per entry of <paramref name="partSeeds"/> (each block made by <paramref name="makeBlock"/>
    /// from its seed) under <paramref name="dir"/>, named after <paramref name="prefix"/>, and opens them.
    /// The caller disposes the readers, even when opening a later one fails: they are added as they open.
    /// </summary>
    public static void WriteAndOpen(TempDirectory dir, string prefix, int[][] partSeeds, Func<int, ColumnarBlock> makeBlock, List<PartReader> readers)
    {
        for (var p = 0; p < partSeeds.Length; p++)
        {
            var path = dir.File($"{prefix}-src{p}.part");
            PartWriter.Write(path, partSeeds[p].Select(makeBlock), NoSync);
            readers.Add(PartReader.Open(path));
        }
    }
}
