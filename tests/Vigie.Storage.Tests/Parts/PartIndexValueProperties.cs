using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Tests.Parts;

/// <summary>
/// The index read back keeps the constant and dictionary values as texts only, and makes their
/// entries again from the texts when a block is decoded: the entries must still be the exact bytes
/// written, invalid UTF-8 included, and an index written from what was read must be the same bytes.
/// </summary>
public class PartIndexValueProperties
{
    private const long FileLength = 1 << 20;

    // ASCII, multi-byte UTF-8, and arbitrary bytes (mostly invalid UTF-8), so that lists repeat
    // across columns and blocks and some values decode to the same text from different bytes.
    private static readonly Gen<byte[]> Value = Gen.OneOf(
        Gen.Elements("web-1", "web-2", "GET", "/api/users", "", "été", "日本", "🙂").Select(Encoding.UTF8.GetBytes),
        Gen.Elements<byte[]>([0xff], [0xfe], [0xc3], [0xed, 0xa0, 0x80], [(byte)'a', 0x80]),
        Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf().Select(a => a.Take(6).ToArray()));

    private static readonly Gen<DictEntry[]> Values = Gen.Choose(1, 5).SelectMany(n =>
        Gen.Zip(Gen.Elements(ValueKind.String, ValueKind.Number, ValueKind.Bool), Value).ArrayOf(n)
            .Select(pairs => pairs.Select(p => new DictEntry(p.Item1, p.Item2)).ToArray()));

    [Fact]
    public void Read_DictionaryValues_EntriesAreTheBytesWrittenAndWriteAgainIsIdentical()
    {
        var columns = Gen.Zip(Gen.Elements(true, false), Values).ArrayOf().Select(a => a.Take(4).ToArray());
        var blocks = columns.ArrayOf().Select(a => a.Take(5).ToArray()).ToArbitrary();
        Prop.ForAll(blocks, ((bool Const, DictEntry[] Entries)[][] spec) =>
        {
            var written = spec.Select(Block).ToArray();
            var first = new ByteBuffer();
            PartIndex.Write(first, written);

            var read = PartIndex.Read(first.Span, FileLength);
            // The entries made from the texts are kept only while used: make them once, let them go.
            _ = read.SelectMany(b => b.Columns).Select(c => c.Entries.Length).Sum();
            GC.Collect();

            for (var b = 0; b < written.Length; b++)
            {
                for (var c = 0; c < written[b].Columns.Count; c++)
                {
                    var expected = written[b].Columns[c];
                    var actual = read[b].Columns[c];
                    Assert.Equal(expected.Entries.Select(e => (e.Kind, Convert.ToHexString(e.Bytes))), actual.Entries.Select(e => (e.Kind, Convert.ToHexString(e.Bytes))));
                    var texts = expected.Entries.Select(e => new FieldValue(e.Kind, Encoding.UTF8.GetString(e.Bytes)));
                    Assert.Equal(texts, expected.Encoding == ColumnEncoding.Dict ? actual.DictionaryValues : [actual.ConstValue!.Value]);
                }
            }
            var again = new ByteBuffer();
            PartIndex.Write(again, read);
            Assert.Equal(Convert.ToHexString(first.Span), Convert.ToHexString(again.Span));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    private static BlockInfo Block((bool Const, DictEntry[] Entries)[] columns, int index)
    {
        var segment = new SegmentRef(PartFormat.HeaderSize, 1, 0);
        // The first column may be constant: every row present, with its value's kind.
        var infos = columns.Select((c, i) => c.Const && i == 0
            ? new ColumnInfo("c0", ColumnEncoding.Const, PartFormat.KindsLayout.Uniform, c.Entries[0].Kind, 3, c.Entries[..1], null, null, segment, null)
            : new ColumnInfo($"c{i}", ColumnEncoding.Dict, PartFormat.KindsLayout.PerRow, ValueKind.Absent, 3, c.Entries, null, null, segment, null)).ToArray();
        return new BlockInfo(StreamKey.Parse($"{{host=\"h{index % 2}\"}}"), 1, 2, 3, segment, infos);
    }
}
