using System.Buffers.Binary;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Tests.Parts;

/// <summary>
/// Parts written by older builds stay readable: <c>Fixtures/format-v1.part</c> was written by the
/// build of part format version 1 from <see cref="FormatFixtureBlocks"/>, and is read here by the
/// current reader.
/// </summary>
public class OldFormatTests
{
    private static readonly string FixtureDirectory = Path.Combine(AppContext.BaseDirectory, "Parts", "Fixtures");

    [Fact]
    public void Read_PartOfFormatVersion1_GivesBackTheBlocksItWasWrittenFrom()
    {
        var path = Path.Combine(FixtureDirectory, "format-v1.part");
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(path).AsSpan(8)));
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
