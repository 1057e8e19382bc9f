using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Parts;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>
/// The template view of a stored message column (its templates, per row template numbers and the rows
/// stored as they are, the referenced columns left undecoded) gives back every row's text once its
/// references are filled in from the block's other columns.
/// </summary>
public sealed class TemplateViewProperties
{
    [Fact]
    public void ReadTemplateView_RebuiltWithTheReferencedColumns_GivesEveryTextBack()
    {
        using var dir = new TempDirectory();
        var viewed = 0;
        var trial = 0;
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var block = TemplateBlocks.Make(seed, maxRows: 1 + (seed % 700));
            var path = dir.File($"v{trial++}.part");
            PartWriter.Write(path, [block], new PartWriteOptions { Sync = false });
            using var reader = PartReader.Open(path);
            var info = reader.Blocks[0];
            var view = reader.ReadTemplateView(0, FieldNames.Message);
            if (info.FindColumn(FieldNames.Message)!.Encoding != ColumnEncoding.Template)
            {
                Assert.Null(view);
                return;
            }
            Assert.NotNull(view);
            viewed++;
            var expected = block.GetColumn(FieldNames.Message)!;
            var decoded = reader.ReadBlock(0);
            for (var r = 0; r < block.RowCount; r++)
            {
                Assert.Equal(expected.Kinds[r], view.Kinds[r]);
                if (!expected.Has(r))
                {
                    continue;
                }
                var id = view.RowTemplates[r];
                byte[] text;
                if (id == 0)
                {
                    text = view.Raw(r).ToArray();
                }
                else
                {
                    var pieces = view.Templates[id - 1];
                    // adjacent literals are joined
                    Assert.DoesNotContain(pieces.Zip(pieces.Skip(1)), p => p.First.Literal is not null && p.Second.Literal is not null);
                    text = [.. pieces.SelectMany(p => p.Literal ?? decoded.GetColumn(info.Columns[p.Column].Name)!.GetValue(r).ToArray())];
                }
                Assert.Equal(expected.GetValue(r).ToArray(), text);
            }
            Assert.Null(reader.ReadTemplateView(0, info.Columns.First(c => c.Encoding != ColumnEncoding.Template).Name));
            Assert.Null(reader.ReadTemplateView(0, "no such column"));
            File.Delete(path);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
        Assert.True(viewed > 15, $"{viewed} blocks stored their message as templates");
    }
}
