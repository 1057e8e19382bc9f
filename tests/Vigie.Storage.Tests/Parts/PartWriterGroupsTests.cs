using FsCheck;
using FsCheck.Fluent;
using Vigie.Storage.Blocks;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Tests.Parts;

/// <summary>
/// <see cref="PartWriter.WriteGroups"/> builds and encodes groups of blocks on every core and writes them in
/// order: the file must be the one the sequential writer makes of the same blocks, and a group that
/// fails must fail the write, leaving no file.
/// </summary>
public class PartWriterGroupsTests
{
    private static readonly PartWriteOptions NoSync = new() { Sync = false };

    [Fact]
    public void WriteGroups_RandomGroups_SameFileAsTheSequentialWriter()
    {
        // Groups of 0 to 4 random blocks; groups of unequal work, so that threads finish out of order.
        var groups = Gen.Choose(0, int.MaxValue).ArrayOf().Select(seeds => seeds.Take(4).ToArray()).ArrayOf()
            .Where(g => g.Length is > 0 and <= 12);
        Prop.ForAll(groups.ToArbitrary(), seeds =>
        {
            using var dir = new TempDirectory();
            var blocks = seeds.Select(g => g.Select(seed => RandomBlocks.Make(seed, maxRows: 200)).ToArray()).ToArray();
            var sequential = dir.File("sequential.part");
            PartWriter.Write(sequential, blocks.SelectMany(g => g), NoSync);
            var grouped = dir.File("grouped.part");
            var summary = PartWriter.WriteGroups(grouped, blocks.Length, static () => 0, (_, g) => blocks[g], NoSync);

            Assert.Equal(File.ReadAllBytes(sequential), File.ReadAllBytes(grouped));
            Assert.Equal(blocks.Sum(g => g.Length), summary.Blocks);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(19)]
    public void WriteGroups_AGroupFails_TheWriteThrowsItsExceptionAndLeavesNoFile(int failing)
    {
        using var dir = new TempDirectory();
        var path = dir.File("failed.part");
        var error = Assert.Throws<InvalidDataException>(() => PartWriter.WriteGroups(path, 20, static () => 0, (_, g) => Group(g, failing), NoSync));
        Assert.Equal($"group {failing} cannot be built", error.Message);
        Assert.False(File.Exists(path));
    }

    private static IEnumerable<ColumnarBlock> Group(int group, int failing)
    {
        yield return RandomBlocks.Make(group, maxRows: 50);
        if (group == failing)
        {
            throw new InvalidDataException($"group {group} cannot be built");
        }
    }
}
