using System.Text;
using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Tests.Parts;

/// <summary>Freezes the byte layout of a <see cref="ColumnEncoding.Template"/> column (docs/storage-format.md).</summary>
public class TemplateFormatGoldenTests
{
    [Fact]
    public void Write_MessageOfTwoFields_DataSegmentLaidOutAsDocumented()
    {
        using var dir = new TempDirectory();
        var block = new ColumnarBlock(
            StreamKey.Create([new("app", "web")]),
            [1, 2, 3],
            [
                Column(FieldNames.Message, "10.0.0.1 GET ok", "10.0.0.2 POST ok", "noise"),
                Column("client_ip", "10.0.0.1", "10.0.0.2", "10.0.0.3"),
                Column("method", "GET", "POST", "GET"),
            ]);
        var path = dir.File("template.part");
        PartWriter.Write(path, [block], new PartWriteOptions { Sync = false });
        using var reader = PartReader.Open(path);
        var message = reader.Blocks[0].FindColumn(FieldNames.Message)!;
        Assert.Equal(ColumnEncoding.Template, message.Encoding);
        Assert.Equal(PartFormat.KindsLayout.Uniform, message.KindsLayout);
        Assert.NotNull(message.Bloom);
        var bytes = File.ReadAllBytes(path).AsSpan((int)message.Data.Offset, message.Data.Length).ToArray();

        byte[] expected =
        [
            0,                                  // segment codec: uncompressed (under 64 bytes)
            1,                                  // one template
            4,                                  // of four pieces:
            (1 << 1) | 1,                       //   column 1 (client_ip)
            1 << 1, (byte)' ',                  //   literal " "
            (2 << 1) | 1,                       //   column 2 (method)
            3 << 1, (byte)' ', (byte)'o', (byte)'k', // literal " ok"
            1, 1, 0,                            // rows 0 and 1 follow template 0; row 2 is stored as it is
            5, .. "noise"u8,                    // row 2: length, bytes
        ];
        Assert.Equal(expected, bytes);
        Assert.Equal(["10.0.0.1 GET ok", "10.0.0.2 POST ok", "noise"], Texts(reader.ReadBlock(0, [FieldNames.Message]).Columns[0]));
    }

    private static string[] Texts(Column column) => [.. Enumerable.Range(0, column.RowCount).Select(column.GetString)];

    private static Column Column(string name, params string[] values) =>
        RandomBlocks.ToColumn(name, [.. values.Select(_ => ValueKind.String)], [.. values.Select(Encoding.UTF8.GetBytes)]);
}
