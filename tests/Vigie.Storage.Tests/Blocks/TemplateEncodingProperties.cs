using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Parts;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>
/// The template encoding of the message column (<see cref="ColumnEncoding.Template"/>) against the
/// texts it was given: every way of reading gives them back byte for byte.
/// </summary>
public class TemplateEncodingProperties
{
    /// <summary>The finder and the decoder alone: whenever templates are found, decoding rebuilds every row.</summary>
    [Fact]
    public void FindThenDecode_RandomTemplatedBlocks_GivesEveryTextBack()
    {
        var found = 0;
        var finder = new TemplateFinder();
        using var payload = new ByteBuffer();
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var block = TemplateBlocks.Make(seed);
            var columns = block.Columns;
            var self = columns.ToList().FindIndex(c => c.Name == FieldNames.Message);
            var message = columns[self];
            if (!finder.TryFind(message, columns, self, long.MaxValue))
            {
                return;
            }
            found++;
            payload.Clear();
            finder.Write(message, payload);
            var reader = new SpanReader(payload.Span);
            var offsets = new int[message.RowCount + 1];
            var bytes = TemplateEncoding.Decode(
                payload.Span, ref reader, message.RowKinds, finder.Ids.Length, columns.Count, self, i => columns[i], null, offsets);
            Assert.True(reader.AtEnd);
            for (var r = 0; r < message.RowCount; r++)
            {
                Assert.True(message.GetValue(r).SequenceEqual(bytes.AsSpan(offsets[r], offsets[r + 1] - offsets[r])), $"row {r} differs");
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
        // The generator makes mostly templated blocks: a finder that never finds one is broken.
        Assert.True(found > 100, $"templates found in {found} of 300 blocks");
    }

    /// <summary>
    /// Parts of templated blocks read every way a reader reads: whole blocks, the message alone (its
    /// references read but not returned), the message with one of its references, and lent for merges:
    /// the texts are those written, as a Raw column would give them.
    /// </summary>
    [Fact]
    public void WriteThenRead_TemplatedBlocks_EveryReadGivesTheTextsBack()
    {
        using var dir = new TempDirectory();
        var templated = 0;
        var trial = 0;
        var seeds = Gen.Choose(0, int.MaxValue).ArrayOf().Select(a => a.Take(4).ToArray()).Where(a => a.Length > 0).ToArbitrary();
        Prop.ForAll(seeds, (int[] blockSeeds) =>
        {
            var blocks = blockSeeds.Select(s => TemplateBlocks.Make(s, maxRows: 1 + (s % 700))).ToArray();
            var path = dir.File($"t{trial++}.part");
            PartWriter.Write(path, blocks, new PartWriteOptions { Sync = false });
            using var reader = PartReader.Open(path);
            reader.Verify();
            var lender = new LentBuffers();
            var rows = new LentRows();
            for (var b = 0; b < blocks.Length; b++)
            {
                var info = reader.Blocks[b];
                var message = info.FindColumn(FieldNames.Message)!;
                if (message.Encoding == ColumnEncoding.Template)
                {
                    templated++;
                    Assert.NotNull(message.Bloom);
                }
                RandomBlocks.AssertEqual(blocks[b], reader.ReadBlock(b));
                var alone = reader.ReadBlock(b, [FieldNames.Message], withTimes: false);
                Assert.Equal([FieldNames.Message], alone.Columns.Select(c => c.Name));
                AssertSameTexts(blocks[b].GetColumn(FieldNames.Message)!, alone.Columns[0]);
                var other = blocks[b].Columns[(b + 1) % blocks[b].Columns.Count].Name;
                var pair = reader.ReadBlock(b, [FieldNames.Message, other], withTimes: false, lender);
                foreach (var column in pair.Columns)
                {
                    AssertSameTexts(blocks[b].GetColumn(column.Name)!, column);
                }
                pair.ReturnLentBuffers();
                var lent = reader.ReadBlockLent(b, lender, rows);
                Store.LentMergeReadProperties.AssertSameRows(blocks[b], lent);
                lent.ReturnLentBuffers();
            }
            File.Delete(path);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
        Assert.True(templated > 20, $"{templated} blocks stored their message as templates");
    }

    /// <summary>A message that merely mentions a constant field (free text) stays Raw: a template would fit its own row only.</summary>
    [Fact]
    public void Encode_FreeTextMentioningAConstant_StaysRaw()
    {
        var rows = 100;
        var messages = Enumerable.Range(0, rows).Select(i => System.Text.Encoding.UTF8.GetBytes($"worker nginx {i * 7919 % 1000} restarted after {i} tries")).ToArray();
        var columns = new[]
        {
            RandomBlocks.ToColumn(FieldNames.Message, [.. Enumerable.Repeat(ValueKind.String, rows)], messages),
            RandomBlocks.ToColumn("service", [.. Enumerable.Repeat(ValueKind.String, rows)], [.. Enumerable.Repeat("nginx"u8.ToArray(), rows)]),
        };
        using var encoder = new ColumnEncoder(1);
        Assert.Equal(ColumnEncoding.Raw, encoder.Encode(columns[0], columns, 0).Encoding);
    }

    private static void AssertSameTexts(Column expected, Column actual)
    {
        Assert.Equal(expected.RowKinds.ToArray(), actual.RowKinds.ToArray());
        for (var r = 0; r < expected.RowCount; r++)
        {
            Assert.True(expected.GetValue(r).SequenceEqual(actual.GetValue(r)), $"column {expected.Name} row {r} differs");
        }
    }
}
