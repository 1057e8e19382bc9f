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
/// A block whose times, kinds and offsets are lent by its builder has arrays longer than its rows;
/// everything the part writer and the encoders read must stop at the row count. Differential: the
/// same rows in exact arrays and in longer arrays whose tail holds garbage (kinds that are not
/// absent, offsets out of range or going backwards, times out of order) encode to the same bytes,
/// for every encoding.
/// </summary>
public class LentRowsEncodingProperties
{
    private static readonly PartWriteOptions NoSync = new() { Sync = false };

    /// <summary>What a column's values look like, one per encoding the picker can choose.</summary>
    private enum Flavour
    {
        Const,
        Dict,
        Int64,
        PackedInt64,
        Decimal,
        Float64,
        Ipv4,
        Raw,
    }

    [Fact]
    public void Encode_ColumnWithLongerArrays_SameBytesAsExact()
    {
        using var exactEncoder = new ColumnEncoder(1);
        using var longEncoder = new ColumnEncoder(1);
        var seen = new HashSet<ColumnEncoding>();
        var cases = Gen.Zip(Gen.Zip(Gen.Choose(0, int.MaxValue), Gen.Elements(Enum.GetValues<Flavour>())), Gen.Choose(1, 600))
            .Select(t => (Seed: t.Item1.Item1, Flavour: t.Item1.Item2, Rows: t.Item2)).ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var random = new Random(c.Seed);
            var exact = MakeColumn(random, c.Flavour, c.Rows);
            var longer = Lengthen(random, exact);
            Assert.Equal(exact.RowCount, longer.RowCount);
            Assert.True(longer.Kinds.Length > longer.RowCount);

            var a = exactEncoder.Encode(exact);
            var (aData, aBloom) = (a.Data.ToArray(), a.Bloom.ToArray());
            var b = longEncoder.Encode(longer);
            seen.Add(a.Encoding);
            Assert.Equal(a.Encoding, b.Encoding);
            Assert.Equal(a.KindsLayout, b.KindsLayout);
            Assert.Equal(a.UniformKind, b.UniformKind);
            Assert.Equal(a.PresentRows, b.PresentRows);
            Assert.Equal(a.MinNumber, b.MinNumber);
            Assert.Equal(a.MaxNumber, b.MaxNumber);
            Assert.Equal(a.Entries.Select(e => (e.Kind, Convert.ToHexString(e.Bytes))), b.Entries.Select(e => (e.Kind, Convert.ToHexString(e.Bytes))));
            Assert.Equal(aData, b.Data.ToArray());
            Assert.Equal(aBloom, b.Bloom.ToArray());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(400));
        // The flavours are meant to reach every encoding: a picker that no longer picks one leaves it untested.
        // Template needs the other columns of a block (TemplateEncodingProperties).
        Assert.Equal(Enum.GetValues<ColumnEncoding>().Where(e => e != ColumnEncoding.Template).Order(), seen.Order());
    }

    [Fact]
    public void PartWriter_BlocksWithLongerArrays_SameFileAsExact()
    {
        using var dir = new TempDirectory();
        var files = 0;
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ArrayOf().Where(s => s.Length > 0).Select(s => s.Take(5).ToArray()).ToArbitrary(), (int[] seeds) =>
        {
            var exact = seeds.Select(s => RandomBlocks.Make(s)).Where(b => b.RowCount > 0).ToArray();
            var random = new Random(seeds[0]);
            var longer = exact.Select(b => new ColumnarBlock(b.Stream, LengthenTimes(random, b.Times), b.RowCount, [.. b.Columns.Select(c => Lengthen(random, c))])).ToArray();
            var exactPath = dir.File($"{files++}.part");
            var longPath = dir.File($"{files++}.part");
            var exactSummary = PartWriter.Write(exactPath, exact, NoSync);
            var longSummary = PartWriter.Write(longPath, longer, NoSync);
            Assert.Equal(File.ReadAllBytes(exactPath), File.ReadAllBytes(longPath));
            Assert.Equal(exactSummary.ValueBytes, longSummary.ValueBytes);
            Assert.Equal(exactSummary.MaxTime, longSummary.MaxTime);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    /// <summary>
    /// <paramref name="exact"/>'s rows in arrays longer than them, as a builder lends them: the kinds'
    /// tail present (a reader that counts it finds rows that are not there), the offsets' tail out of
    /// range or going backwards, the bytes' tail letters (words a scan past the end would take).
    /// </summary>
    private static Column Lengthen(Random random, Column exact)
    {
        var rows = exact.RowCount;
        var extra = random.Next(1, 200);
        var kinds = new ValueKind[rows + extra];
        exact.Kinds.AsSpan(0, rows).CopyTo(kinds);
        for (var r = rows; r < kinds.Length; r++)
        {
            kinds[r] = random.Next(2) == 0 ? ValueKind.String : ValueKind.Number;
        }
        var offsets = new int[rows + 1 + random.Next(1, 200)];
        exact.Offsets.AsSpan(0, rows + 1).CopyTo(offsets);
        for (var r = rows + 1; r < offsets.Length; r++)
        {
            offsets[r] = random.Next(3) switch { 0 => -1, 1 => int.MaxValue - random.Next(100), _ => random.Next(offsets[rows] + 1) };
        }
        var end = exact.Offsets[rows];
        var bytes = new byte[end + random.Next(1, 300)];
        exact.Bytes.AsSpan(0, end).CopyTo(bytes);
        bytes.AsSpan(end).Fill((byte)'7');
        return new Column(exact.Name, kinds, offsets, bytes, rows);
    }

    private static long[] LengthenTimes(Random random, long[] exact)
    {
        var times = new long[exact.Length + random.Next(1, 200)];
        exact.CopyTo(times, 0);
        for (var i = exact.Length; i < times.Length; i++)
        {
            times[i] = random.NextInt64(long.MinValue, long.MaxValue);
        }
        return times;
    }

    private static Column MakeColumn(Random random, Flavour flavour, int rows)
    {
        // Absent rows in some columns (never in Const ones, which need every row).
        var absentChance = flavour == Flavour.Const ? 0 : random.Next(3) switch { 0 => 0.0, 1 => 0.2, _ => 0.7 };
        var pool = Enumerable.Range(0, random.Next(1, 6)).Select(i => $"level-{i}").ToArray();
        var packedBase = random.NextInt64(-1_000_000, 1_000_000);
        var kinds = new ValueKind[rows];
        var offsets = new int[rows + 1];
        var bytes = new List<byte>();
        for (var r = 0; r < rows; r++)
        {
            if (r > 0 && random.NextDouble() < absentChance)
            {
                offsets[r + 1] = bytes.Count;
                continue;
            }
            // Distinct numbers, so that numeric columns are not taken for dictionaries.
            var (kind, text) = flavour switch
            {
                Flavour.Const => (ValueKind.String, "constant"),
                Flavour.Dict => (ValueKind.String, pool[random.Next(pool.Length)]),
                Flavour.Int64 => (ValueKind.Number, (random.NextInt64() ^ r).ToString(CultureInfo.InvariantCulture)),
                Flavour.PackedInt64 => (ValueKind.Number, (packedBase + (r * 7) + random.Next(5)).ToString(CultureInfo.InvariantCulture)),
                Flavour.Decimal => (ValueKind.Number, $"{r}.{random.Next(1, 10)}"),
                Flavour.Float64 => (ValueKind.Number, (BitConverter.Int64BitsToDouble(random.NextInt64(0x3FF0000000000000, 0x4330000000000000)) + r).ToString("R", CultureInfo.InvariantCulture)),
                Flavour.Ipv4 => (ValueKind.String, $"10.{r / 256 % 256}.{r % 256}.{random.Next(1, 255)}"),
                _ => (ValueKind.String, $"GET /path/{r}/{random.Next()} took {random.Next(1000)} ms ünïcödé"),
            };
            kinds[r] = kind;
            bytes.AddRange(Encoding.UTF8.GetBytes(text));
            offsets[r + 1] = bytes.Count;
        }
        return new Column("c", kinds, offsets, [.. bytes]);
    }
}
