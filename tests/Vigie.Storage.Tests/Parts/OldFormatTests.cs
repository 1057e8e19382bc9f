using System.Buffers.Binary;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Tests.Parts;

/// <summary>
/// Parts written by older builds stay readable: <c>Fixtures/format-v1.part</c> and <c>format-v2.part</c>
/// were written by the builds of part format versions 1 and 2 from <see cref="FormatFixtureBlocks"/>,
/// and are read here by the current reader.
/// </summary>
public class OldFormatTests
{
    private static readonly string FixtureDirectory = Path.Combine(AppContext.BaseDirectory, "Parts", "Fixtures");

    [Theory]
    [InlineData(1u)]
    [InlineData(2u)]
    public void Read_PartOfOlderFormatVersion_GivesBackTheBlocksItWasWrittenFrom(uint version)
    {
        var path = Path.Combine(FixtureDirectory, $"format-v{version}.part");
        Assert.Equal(version, BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(path).AsSpan(8)));
        var expected = FormatFixtureBlocks.Make();

        using var reader = PartReader.Open(path);
        reader.Verify();
        Assert.Equal(expected.Length, reader.Blocks.Count);
        for (var b = 0; b < expected.Length; b++)
        {
            var actual = reader.ReadBlock(b);
            Assert.Equal(expected[b].Stream.Text, actual.Stream.Text);
            Assert.Equal(expected[b].Times, actual.Times);
            Assert.Equal(expected[b].Columns.Count, actual.Columns.Count);
            foreach (var column in expected[b].Columns)
            {
                var read = actual.GetColumn(column.Name);
                Assert.NotNull(read);
                Assert.Equal(column.Kinds, read.Kinds);
                for (var r = 0; r < column.RowCount; r++)
                {
                    Assert.Equal(column.GetString(r), read.GetString(r));
                }
            }
        }
    }
}
