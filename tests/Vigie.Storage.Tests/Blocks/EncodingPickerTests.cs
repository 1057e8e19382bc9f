using System.Globalization;
using System.Text;
using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Parts;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Blocks;

public class EncodingPickerTests
{
    [Theory]
    [InlineData("const", ColumnEncoding.Const)]
    [InlineData("dict", ColumnEncoding.Dict)]
    [InlineData("ints", ColumnEncoding.Int64)]
    [InlineData("sparse-ints", ColumnEncoding.PackedInt64)]
    [InlineData("sizes", ColumnEncoding.PackedInt64)]
    [InlineData("floats", ColumnEncoding.Float64)]
    [InlineData("text", ColumnEncoding.Raw)]
    [InlineData("padded-ints", ColumnEncoding.Raw)]
    [InlineData("ints-as-strings", ColumnEncoding.Raw)]
    [InlineData("non-canonical-floats", ColumnEncoding.Raw)]
    [InlineData("const-with-absent", ColumnEncoding.Dict)]
    [InlineData("decimals", ColumnEncoding.Decimal)]
    [InlineData("ipv4", ColumnEncoding.Ipv4)]
    [InlineData("ipv4-one-padded", ColumnEncoding.Raw)]
    [InlineData("big-values", ColumnEncoding.Raw)]
    public void Analyze_DataMadeForEncoding_PicksIt(string shape, ColumnEncoding expected)
    {
        var column = Make(shape, 1000);
        using var picker = new EncodingPicker();

        Assert.Equal(expected, picker.Analyze(column));
        AssertRoundTrip(column, expected);
    }

    [Theory]
    [InlineData("007")]
    [InlineData("1.0")]
    [InlineData("-0")]
    [InlineData("+5")]
    [InlineData("1e5")]
    [InlineData("9223372036854775808")]
    public void Analyze_NonCanonicalIntegerText_NotInt64(string text)
    {
        var kinds = Enumerable.Repeat(ValueKind.Number, 600).ToArray();
        var values = Enumerable.Range(0, 600).Select(i => Encoding.UTF8.GetBytes(i == 300 ? text : i.ToString(CultureInfo.InvariantCulture))).ToArray();
        using var picker = new EncodingPicker();

        Assert.DoesNotContain(picker.Analyze(RandomBlocks.ToColumn("n", kinds, values)), new[] { ColumnEncoding.Int64, ColumnEncoding.PackedInt64 });
    }

    [Fact]
    public void Analyze_Extremes_Int64WithNumberRange()
    {
        var texts = new[] { "9223372036854775807", "-9223372036854775808", "0", "-1" };
        var values = Enumerable.Range(0, 500).Select(i => Encoding.UTF8.GetBytes(i < texts.Length ? texts[i] : (i * 7).ToString(CultureInfo.InvariantCulture))).ToArray();
        var column = RandomBlocks.ToColumn("n", Enumerable.Repeat(ValueKind.Number, 500).ToArray(), values);
        using var picker = new EncodingPicker();

        Assert.Equal(ColumnEncoding.Int64, picker.Analyze(column));
        Assert.Equal(-9223372036854775808d, picker.MinNumber);
        Assert.Equal(9223372036854775807d, picker.MaxNumber);
        AssertRoundTrip(column, ColumnEncoding.Int64);
    }

    [Fact]
    public void Write_ConstAndDictColumns_ValuesInIndexAndNoBloom()
    {
        using var dir = new TempDirectory();
        var stream = StreamKey.Create([new("app", "web")]);
        var builder = new ColumnarBlockBuilder(stream);
        for (var i = 0; i < 100; i++)
        {
            builder.Add(new LogEvent(i, stream,
            [
                new("app", FieldValue.Str("web")),
                new("level", FieldValue.Str(i % 2 == 0 ? "info" : "warn")),
                new("_msg", FieldValue.Str($"request {i} failed with timeout")),
                new("latency", FieldValue.Num((i * 1.25).ToString("R", CultureInfo.InvariantCulture))),
            ]));
        }
        var path = dir.File("index.part");
        PartWriter.Write(path, [builder.Build()], new PartWriteOptions { Sync = false });
        using var reader = PartReader.Open(path);
        var block = reader.Blocks[0];

        var app = block.FindColumn("app")!;
        Assert.Equal(ColumnEncoding.Const, app.Encoding);
        Assert.Equal(FieldValue.Str("web"), app.ConstValue);
        Assert.False(app.HasBloom);
        Assert.Equal(ValueKind.String, app.UniformKind);
        var level = block.FindColumn("level")!;
        Assert.Equal(ColumnEncoding.Dict, level.Encoding);
        Assert.Equal([FieldValue.Str("info"), FieldValue.Str("warn")], level.DictionaryValues);
        Assert.False(level.HasBloom);
        var latency = block.FindColumn("latency")!;
        // 1.25, 2.5, ...: plain decimals
        Assert.Equal(ColumnEncoding.Decimal, latency.Encoding);
        Assert.Equal(0, latency.MinNumber);
        Assert.Equal(99 * 1.25, latency.MaxNumber);
        var msg = block.FindColumn("_msg")!;
        Assert.Equal(ColumnEncoding.Raw, msg.Encoding);
        Assert.True(msg.HasBloom);
        Assert.Null(msg.MinNumber);

        Assert.True(reader.MayContainAllTokens(0, "_msg", [Tokenizer.Hash("TIMEOUT".AsSpan()), Tokenizer.Hash("request".AsSpan())]));
        Assert.False(reader.MayContainAllTokens(0, "_msg", [Tokenizer.Hash("timeout".AsSpan()), Tokenizer.Hash("kangaroo".AsSpan())]));
        Assert.False(reader.MayContainAllTokens(0, "missing", [Tokenizer.Hash("timeout".AsSpan())]));
        Assert.True(reader.MayContainAllTokens(0, "level", [Tokenizer.Hash("kangaroo".AsSpan())]));
    }

    private static void AssertRoundTrip(Column column, ColumnEncoding expected)
    {
        using var dir = new TempDirectory();
        var block = new ColumnarBlock(StreamKey.Empty, Enumerable.Range(0, column.RowCount).Select(i => (long)i).ToArray(), [column]);
        var path = dir.File("rt.part");
        PartWriter.Write(path, [block], new PartWriteOptions { Sync = false });
        using var reader = PartReader.Open(path);
        Assert.Equal(expected, reader.Blocks[0].Columns[0].Encoding);
        RandomBlocks.AssertEqual(block, reader.ReadBlock(0));
    }

    private static Column Make(string shape, int rows)
    {
        var random = new Random(shape.Length);
        var kinds = new ValueKind[rows];
        var values = new byte[rows][];
        for (var r = 0; r < rows; r++)
        {
            (kinds[r], var text) = shape switch
            {
                "const" => (ValueKind.String, "constant"),
                "const-with-absent" => r % 3 == 0 ? (ValueKind.Absent, "") : (ValueKind.String, "constant"),
                "dict" => (ValueKind.String, $"level-{r % 7}"),
                "ints" => (ValueKind.Number, (1_700_000_000_000L + r * 1000 + random.Next(100)).ToString(CultureInfo.InvariantCulture)),
                "sparse-ints" => r % 4 == 0 ? (ValueKind.Number, random.NextInt64().ToString(CultureInfo.InvariantCulture)) : (ValueKind.Absent, ""),
                "floats" => (ValueKind.Number, (random.NextDouble() * 100).ToString("R", CultureInfo.InvariantCulture)),
                "padded-ints" => (ValueKind.Number, r.ToString("D5", CultureInfo.InvariantCulture)),
                "ints-as-strings" => (ValueKind.String, r.ToString(CultureInfo.InvariantCulture)),
                "non-canonical-floats" => (ValueKind.Number, (r + 0.5).ToString("F3", CultureInfo.InvariantCulture)),
                "sizes" => (ValueKind.Number, random.Next(-10, 50_000).ToString(CultureInfo.InvariantCulture)),
                "decimals" => (ValueKind.Number, (random.Next(-100_000, 100_000) / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)),
                "ipv4" => r % 5 == 0 ? (ValueKind.Absent, "") : (ValueKind.String, $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}"),
                "ipv4-one-padded" => (ValueKind.String, r == 77 ? "10.1.01.2" : $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}"),
                "big-values" => (ValueKind.String, new string((char)('a' + r % 3), 5000)),
                _ => (ValueKind.String, $"free text {r} {random.Next()}"),
            };
            values[r] = Encoding.UTF8.GetBytes(text);
        }
        return RandomBlocks.ToColumn("c", kinds, values);
    }
}
