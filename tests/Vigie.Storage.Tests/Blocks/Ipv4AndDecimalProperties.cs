using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Parts;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>
/// The Ipv4 and Decimal encodings (part format 2) are taken only by texts they give back byte for
/// byte: strings that merely look like addresses or decimals (<c>01.2.3.4</c>, <c>1.50</c>,
/// <c>-0</c>) keep their column Raw (or Float64), and a Decimal value's number is the one parsing
/// its text gives.
/// </summary>
public sealed class Ipv4AndDecimalProperties
{
    /// <summary>Address-like strings: mostly canonical, some with a leading zero, a missing or extra part, a number past 255, a space.</summary>
    private static Gen<string> AddressLike =>
        from parts in Gen.Choose(0, 255).ArrayOf(4)
        from flaw in Gen.Choose(0, 12)
        select flaw switch
        {
            0 => $"0{parts[0]}.{parts[1]}.{parts[2]}.{parts[3]}",
            1 => $"{parts[0]}.{parts[1]}.{parts[2]}",
            2 => $"{parts[0]}.{parts[1]}.{parts[2]}.{parts[3]}.{parts[0]}",
            3 => $"{parts[0] + 256}.{parts[1]}.{parts[2]}.{parts[3]}",
            4 => $" {parts[0]}.{parts[1]}.{parts[2]}.{parts[3]}",
            5 => $"{parts[0]}.{parts[1]}.{parts[2]}.{parts[3]:000}",
            6 => $"{parts[0]}..{parts[2]}.{parts[3]}",
            7 => $"+{parts[0]}.{parts[1]}.{parts[2]}.{parts[3]}",
            _ => $"{parts[0]}.{parts[1]}.{parts[2]}.{parts[3]}",
        };

    /// <summary>Decimal-like strings: canonical ones and every flaw that would not round-trip through an integer and a scale.</summary>
    private static Gen<string> DecimalLike =>
        from mantissa in Gen.Choose(-2_000_000, 2_000_000)
        from scale in Gen.Choose(0, 8)
        from flaw in Gen.Choose(0, 14)
        select MakeDecimal(mantissa, scale, flaw);

    [Fact]
    public void Ipv4_TryParse_OnlyWhatFormatsBackTheSame()
    {
        Prop.ForAll(AddressLike.ToArbitrary(), text =>
        {
            var bytes = Encoding.ASCII.GetBytes(text);
            var canonical = System.Net.IPAddress.TryParse(text, out var ip)
                && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && ip.ToString() == text;
            Assert.Equal(canonical, Ipv4Encoding.TryParse(bytes, out var address));
            if (canonical)
            {
                var (_, formatted) = Ipv4Encoding.Format([address], [ValueKind.String], 1);
                Assert.Equal(text, Encoding.ASCII.GetString(formatted));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }

    [Fact]
    public void Decimal_TryParse_OnlyWhatFormatsBackTheSame_WithTheParsedNumber()
    {
        Prop.ForAll(DecimalLike.ToArbitrary(), text =>
        {
            var bytes = Encoding.ASCII.GetBytes(text);
            if (DecimalEncoding.TryParse(bytes, out var mantissa, out var scale))
            {
                var (_, formatted) = DecimalEncoding.Format([mantissa], scale, [ValueKind.Number], 1);
                Assert.Equal(text, Encoding.ASCII.GetString(formatted));
                Assert.True(NumberText.TryParse(bytes, out var number));
                Assert.Equal(number, DecimalEncoding.ToNumbers([mantissa], scale)[0]);
            }
            else
            {
                Assert.False(IsCanonicalDecimal(text), text);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }

    [Fact]
    public void Columns_OfAddressOrDecimalLikeValues_RoundTripThroughAPart()
    {
        var gen =
            from rows in Gen.Choose(1, 1200)
            from decimals in Gen.Elements(true, false)
            from canonicalOnly in Gen.Elements(true, true, false)
            from absentEvery in Gen.Choose(0, 4)
            from seed in Gen.Choose(0, int.MaxValue)
            select (rows, decimals, canonicalOnly, absentEvery, seed);
        Prop.ForAll(gen.ToArbitrary(), p =>
        {
            var random = new Random(p.seed);
            var kinds = new ValueKind[p.rows];
            var values = new byte[p.rows][];
            for (var r = 0; r < p.rows; r++)
            {
                var absent = p.absentEvery > 0 && r % (p.absentEvery + 1) == 0;
                var flaw = p.canonicalOnly ? 99 : random.Next(15);
                var text = p.decimals
                    ? MakeDecimal(random.Next(-2_000_000, 2_000_000), random.Next(0, 8), flaw)
                    : flaw < 8 ? $"0{random.Next(256)}.1.2.3" : $"{random.Next(256)}.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}";
                kinds[r] = absent ? ValueKind.Absent : p.decimals ? ValueKind.Number : ValueKind.String;
                values[r] = absent ? [] : Encoding.ASCII.GetBytes(text);
            }
            var column = RandomBlocks.ToColumn("v", kinds, values);
            // More distinct values than a dictionary holds, all canonical (and some not integers): the new encodings.
            var present = values.Where((_, r) => kinds[r] != ValueKind.Absent).Select(Encoding.ASCII.GetString).ToArray();
            var expected = p.canonicalOnly && present.Distinct().Count() > 256 && (!p.decimals || present.Any(v => v.Contains('.')))
                ? p.decimals ? ColumnEncoding.Decimal : ColumnEncoding.Ipv4
                : (ColumnEncoding?)null;
            using var dir = new TempDirectory();
            var block = new ColumnarBlock(StreamKey.Empty, Enumerable.Range(0, p.rows).Select(i => (long)i * 1000).ToArray(), [column]);
            var path = dir.File("v.part");
            PartWriter.Write(path, [block], new PartWriteOptions { Sync = false });
            using var reader = PartReader.Open(path);
            var encoding = reader.Blocks[0].Columns[0].Encoding;
            if (expected is { } e)
            {
                Assert.Equal(e, encoding);
            }
            var read = reader.ReadBlock(0);
            RandomBlocks.AssertEqual(block, read);
            if (read.Columns[0].Numbers is { } numbers)
            {
                for (var r = 0; r < p.rows; r++)
                {
                    if (kinds[r] != ValueKind.Absent)
                    {
                        Assert.True(NumberText.TryParse(values[r], out var n));
                        Assert.Equal(n, numbers[r]);
                    }
                }
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(150));
    }

    [Fact]
    public void Picker_CanonicalDecimalsAndAddresses_TakeTheirEncodings()
    {
        var random = new Random(5);
        var decimals = Enumerable.Range(0, 600).Select(_ => MakeDecimal(random.Next(-2_000_000, 2_000_000), random.Next(0, 6), 99)).ToArray();
        var addresses = Enumerable.Range(0, 600).Select(_ => $"192.168.{random.Next(256)}.{random.Next(256)}").ToArray();
        using var picker = new EncodingPicker();
        Assert.Equal(ColumnEncoding.Decimal, picker.Analyze(Column(decimals, ValueKind.Number)));
        Assert.Equal(ColumnEncoding.Ipv4, picker.Analyze(Column(addresses, ValueKind.String)));
        // one value that is not canonical keeps the whole column out
        decimals[300] = "1.50";
        Assert.NotEqual(ColumnEncoding.Decimal, picker.Analyze(Column(decimals, ValueKind.Number)));
        addresses[300] = "192.168.1.01";
        Assert.Equal(ColumnEncoding.Raw, picker.Analyze(Column(addresses, ValueKind.String)));
        // decimals given as strings are not numbers: no Decimal
        decimals[300] = "1.5";
        Assert.NotEqual(ColumnEncoding.Decimal, picker.Analyze(Column(decimals, ValueKind.String)));
    }

    private static Column Column(string[] texts, ValueKind kind) =>
        RandomBlocks.ToColumn("c", Enumerable.Repeat(kind, texts.Length).ToArray(), [.. texts.Select(Encoding.ASCII.GetBytes)]);

    private static string MakeDecimal(long mantissa, int scale, int flaw)
    {
        var text = (mantissa / Math.Pow(10, scale)).ToString("0.##########", CultureInfo.InvariantCulture);
        return flaw switch
        {
            0 => text + (text.Contains('.') ? "0" : ".0"),
            1 => "0" + text.TrimStart('-'),
            2 => "+" + text,
            3 => "-0",
            4 => text + ".",
            5 => "." + text.TrimStart('-'),
            6 => text + "e3",
            7 => "9007199254740993",
            8 => "0.0000000000000001",
            9 => "1234567890123.456",
            10 => "-" + text.TrimStart('-'),
            _ => text,
        };
    }

    private static bool IsCanonicalDecimal(string text) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, @"^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$")
        && text != "-0"
        && text.Replace("-", "").Replace(".", "").Length <= 16
        && (text.Split('.') is not [_, var f] || f.Length <= DecimalEncoding.MaxScale)
        && decimal.Parse(text, CultureInfo.InvariantCulture) * (decimal)Math.Pow(10, text.Split('.') is [_, var g] ? g.Length : 0) is var m
        && Math.Abs(m) < (1L << 53);
}
