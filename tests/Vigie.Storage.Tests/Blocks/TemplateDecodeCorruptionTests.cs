using System.Text;
using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>A template payload that cannot be what the writer made is refused, never turned into texts.</summary>
public class TemplateDecodeCorruptionTests
{
    private static readonly Column[] Columns =
    [
        RandomBlocks.ToColumn(FieldNames.Message, [ValueKind.String, ValueKind.String], [[], []]),
        RandomBlocks.ToColumn("a", [ValueKind.String, ValueKind.Absent], ["xy"u8.ToArray(), []]),
    ];

    [Theory]
    [InlineData(new byte[] { 0 }, "no template")]
    [InlineData(new byte[] { 33 }, "more templates than the limit")]
    [InlineData(new byte[] { 1, 0 }, "a template of no piece")]
    [InlineData(new byte[] { 1, 1, 1 }, "a reference to the column itself")]
    [InlineData(new byte[] { 1, 1, 5 }, "a reference past the block's columns")]
    [InlineData(new byte[] { 1, 1, 0 }, "an empty literal")]
    [InlineData(new byte[] { 1, 1, 8, (byte)'a' }, "a literal longer than the payload")]
    [InlineData(new byte[] { 1, 1, 3, 1, 2 }, "a row naming a template that does not exist")]
    [InlineData(new byte[] { 1, 1, 3, 1, 1 }, "a row whose referenced value is absent")]
    [InlineData(new byte[] { 1, 1, 3, 1, 0, 9, (byte)'a' }, "a stored row longer than the payload")]
    public void Decode_DamagedPayload_Throws(byte[] payload, string what)
    {
        Assert.Throws<InvalidDataException>(() => Decode(payload));
        _ = what;
    }

    [Fact]
    public void Decode_WellFormedPayload_GivesTheTexts()
    {
        // one template: column 1, literal "!"; row 0 follows it, row 1 is stored as it is ("hé")
        byte[] payload = [1, 2, 3, 2, (byte)'!', 1, 0, 3, .. Encoding.UTF8.GetBytes("hé")];
        var (offsets, bytes) = Decode(payload);
        Assert.Equal("xy!", Encoding.UTF8.GetString(bytes, offsets[0], offsets[1] - offsets[0]));
        Assert.Equal("hé", Encoding.UTF8.GetString(bytes, offsets[1], offsets[2] - offsets[1]));
    }

    private static (int[] Offsets, byte[] Bytes) Decode(byte[] payload)
    {
        var reader = new SpanReader(payload);
        var offsets = new int[3];
        var bytes = TemplateEncoding.Decode(payload, ref reader, Columns[0].RowKinds, 2, Columns.Length, 0, i => Columns[i], null, offsets);
        return reader.AtEnd ? (offsets, bytes) : throw new InvalidDataException("bytes left over");
    }
}
