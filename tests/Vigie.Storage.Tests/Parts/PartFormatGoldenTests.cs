using System.Buffers.Binary;
using System.Text;
using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Tests.Parts;

/// <summary>
/// Freezes every number that reaches the disk. If one of these fails, the change breaks existing
/// parts: bump <see cref="PartFormat.Version"/> and keep a reader for the old version instead.
/// </summary>
public class PartFormatGoldenTests
{
    [Fact]
    public void PartFormat_Constants_AreFrozen()
    {
        Assert.Equal("VIGIEPRT", Encoding.ASCII.GetString(BitConverter.GetBytes(PartFormat.Magic)));
        Assert.Equal(0x5452504549474956UL, PartFormat.Magic);
        Assert.Equal(3u, PartFormat.Version);
        Assert.Equal(1u, PartFormat.MinReadableVersion);
        Assert.Equal(16, PartFormat.HeaderSize);
        Assert.Equal(80, PartFormat.FooterSize);
        Assert.Equal(64, PartFormat.FooterChecksummedBytes);
        Assert.Equal(256, PartFormat.MaxDictionaryValues);
        Assert.Equal(64, PartFormat.MinCompressBytes);
        Assert.Equal(1 << 24, PartFormat.MaxRowsPerBlock);
        Assert.Equal(1 << 16, PartFormat.MaxColumnsPerBlock);
        Assert.Equal(1 << 30, PartFormat.MaxSegmentBytes);
        Assert.Equal(24, PartFormat.BloomMaxHashCount);
    }

    [Fact]
    public void PersistedEnums_Values_AreFrozen()
    {
        Assert.Equal(
            [("Const", 1), ("Dict", 2), ("Int64", 3), ("Float64", 4), ("Raw", 5), ("Ipv4", 6), ("Decimal", 7), ("PackedInt64", 8), ("Template", 9)],
            Enum.GetValues<ColumnEncoding>().Select(e => (e.ToString(), (int)e)));
        Assert.Equal([("None", 0), ("Zstd", 1)], Enum.GetValues<PartFormat.SegmentCodec>().Select(e => (e.ToString(), (int)e)));
        Assert.Equal([("Uniform", 0), ("PerRow", 1)], Enum.GetValues<PartFormat.KindsLayout>().Select(e => (e.ToString(), (int)e)));
        Assert.Equal([("DeltaOfDelta", 1), ("Packed", 2)], Enum.GetValues<PartFormat.TimesEncoding>().Select(e => (e.ToString(), (int)e)));
        Assert.Equal([("None", 0), ("NumberRange", 1), ("Bloom", 2)], Enum.GetValues<PartFormat.ColumnFlags>().Select(e => (e.ToString(), (int)e)));
        Assert.Equal(
            [("Absent", 0), ("String", 1), ("Number", 2), ("Bool", 3), ("Json", 4)],
            Enum.GetValues<ValueKind>().Select(e => (e.ToString(), (int)e)));
    }

    [Fact]
    public void Write_OneBlock_HeaderAndFooterLaidOutAsDocumented()
    {
        using var dir = new TempDirectory();
        var builder = new ColumnarBlockBuilder(StreamKey.Create([new("app", "web")]));
        builder.Add(new LogEvent(5, builder.Stream, [new("_msg", FieldValue.Str("hello"))]));
        builder.Add(new LogEvent(9, builder.Stream, [new("_msg", FieldValue.Str("world"))]));
        var path = dir.File("golden.part");
        var summary = PartWriter.Write(path, [builder.Build()], new PartWriteOptions { Sync = false });
        var bytes = File.ReadAllBytes(path);

        Assert.Equal("VIGIEPRT"u8.ToArray(), bytes[..8]);
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)));
        var footer = bytes.AsSpan(bytes.Length - 80);
        var indexOffset = BinaryPrimitives.ReadInt64LittleEndian(footer);
        var indexLength = BinaryPrimitives.ReadInt64LittleEndian(footer[8..]);
        Assert.Equal(bytes.Length - 80, indexOffset + indexLength);
        Assert.Equal(2, BinaryPrimitives.ReadInt64LittleEndian(footer[32..]));
        Assert.Equal(5, BinaryPrimitives.ReadInt64LittleEndian(footer[40..]));
        Assert.Equal(9, BinaryPrimitives.ReadInt64LittleEndian(footer[48..]));
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(footer[56..]));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(footer[60..]));
        Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64(footer[..64]), BinaryPrimitives.ReadUInt64LittleEndian(footer[64..]));
        Assert.Equal("VIGIEPRT"u8.ToArray(), footer[72..].ToArray());
        Assert.Equal(bytes.Length, summary.FileBytes);
        // The first segment is the block's times: stored uncompressed (codec 0), Packed in mode 1:
        // the first time (8 bytes), smallest delta 4, divisor 1, width 0, no packed bits.
        Assert.Equal(new byte[] { 0, 1, 5, 0, 0, 0, 0, 0, 0, 0, 4, 1, 0 }, bytes[16..29]);
    }
}
