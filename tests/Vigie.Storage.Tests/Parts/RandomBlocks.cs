using System.Globalization;
using System.Text;
using Vigie.Core;
using Vigie.Storage.Blocks;

namespace Vigie.Storage.Tests.Parts;

/// <summary>
/// Random blocks made from a seed, built straight from column arrays (not through the builder) so
/// that they cover what the format must carry: any bytes, any kind per row, absence, every shape of
/// column the encoding picker distinguishes.
/// </summary>
internal static class RandomBlocks
{
    public static readonly string[] Names =
        ["_msg", "host", "level", "status", "é", "日本語", "a b", "", "x.y", "emoji😀", "Ünïcödé", "duration", "q\"uote", "tab\tname"];

    public static readonly string[] TrickyNumbers =
        ["007", "1.50", "-0", "1e5", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "0", "-1", "1.0",
         "+5", "1E+20", "NaN", "0.1", "-0.0", "123456789012345678", "1.7976931348623157E+308", "5E-324", "", " 1", "0x10", "1_000"];

    private static readonly string[] Words = ["GET", "POST", "error", "timeout", "user", "é", "日本", "😀", "a\"b", "path/to/x", "\n", ""];

    private enum Style
    {
        Const,
        FewDistinct,
        Ints,
        Floats,
        Text,
        Tricky,
        MixedKinds,
        Binary,
        ManyDistinct,
        LongValues,
    }

    public static ColumnarBlock Make(int seed, int maxRows = 400)
    {
        var random = new Random(seed);
        var rows = random.Next(20) == 0 && maxRows >= 400 ? random.Next(1000, 5000) : random.Next(1, maxRows + 1);
        var stream = MakeStream(random);
        var times = new long[rows];
        var t = random.Next(4) switch
        {
            0 => 0L,
            1 => -random.NextInt64(1L << 60),
            _ => random.NextInt64(1L << 60),
        };
        for (var i = 0; i < rows; i++)
        {
            times[i] = t;
            t += random.Next(3) switch { 0 => 0, 1 => 1_000_000_000, _ => random.NextInt64(1, 10_000_000_000) };
        }
        var columnCount = random.Next(0, 9);
        var names = Names.OrderBy(_ => random.Next()).Take(columnCount).ToArray();
        var columns = new List<Column>(columnCount);
        foreach (var name in names)
        {
            columns.Add(MakeColumn(random, name, rows, (Style)random.Next(Enum.GetValues<Style>().Length)));
        }
        return new ColumnarBlock(stream, times, columns);
    }

    public static StreamKey MakeStream(Random random)
    {
        var fields = new List<KeyValuePair<string, string>>();
        var n = random.Next(3);
        for (var i = 0; i < n; i++)
        {
            fields.Add(new($"s{i}", Words[random.Next(Words.Length)] + random.Next(3).ToString(CultureInfo.InvariantCulture)));
        }
        return StreamKey.Create(fields);
    }

    private static Column MakeColumn(Random random, string name, int rows, Style style)
    {
        var absentChance = random.Next(3) switch { 0 => 0.0, 1 => 0.3, _ => 0.95 };
        var kinds = new ValueKind[rows];
        var values = new byte[rows][];
        var constant = NextValue(random, Style.Text);
        var pool = Enumerable.Range(0, random.Next(1, 12)).Select(_ => NextValue(random, Style.Text)).ToArray();
        for (var r = 0; r < rows; r++)
        {
            if (style != Style.Const && random.NextDouble() < absentChance)
            {
                values[r] = [];
                continue;
            }
            (kinds[r], values[r]) = style switch
            {
                Style.Const => constant,
                Style.FewDistinct => pool[random.Next(pool.Length)],
                Style.ManyDistinct => (ValueKind.String, Encoding.UTF8.GetBytes($"value-{r}-{random.Next()}")),
                _ => NextValue(random, style),
            };
        }
        return ToColumn(name, kinds, values);
    }

    private static (ValueKind, byte[]) NextValue(Random random, Style style)
    {
        static byte[] U(string s) => Encoding.UTF8.GetBytes(s);
        switch (style)
        {
            case Style.Ints:
                var v = random.Next(5) switch
                {
                    0 => long.MaxValue - random.Next(3),
                    1 => long.MinValue + random.Next(3),
                    2 => random.NextInt64(),
                    _ => random.Next(-1000, 1000),
                };
                return (ValueKind.Number, U(v.ToString(CultureInfo.InvariantCulture)));
            case Style.Floats:
                var d = random.Next(3) switch
                {
                    0 => random.NextDouble() * 1000,
                    1 => BitConverter.Int64BitsToDouble(random.NextInt64()),
                    _ => -0.0,
                };
                return (ValueKind.Number, U(double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "1.5"));
            case Style.Tricky:
                return ((ValueKind)random.Next(1, 5), U(TrickyNumbers[random.Next(TrickyNumbers.Length)]));
            case Style.MixedKinds:
                return ((ValueKind)random.Next(1, 5), U(Words[random.Next(Words.Length)]));
            case Style.Binary:
                var bytes = new byte[random.Next(0, 40)];
                random.NextBytes(bytes);
                return ((ValueKind)random.Next(1, 5), bytes);
            case Style.LongValues:
                if (random.Next(20) != 0)
                {
                    return NextValue(random, Style.Text);
                }
                var sb = new StringBuilder();
                var words = random.Next(100, 10_000);
                for (var i = 0; i < words; i++)
                {
                    sb.Append(Words[random.Next(Words.Length)]).Append(' ').Append(random.Next(100_000));
                }
                return (ValueKind.String, U(sb.ToString()));
            default:
                var text = new StringBuilder();
                var n = random.Next(0, 8);
                for (var i = 0; i < n; i++)
                {
                    text.Append(Words[random.Next(Words.Length)]).Append(random.Next(2) == 0 ? " " : "=").Append(random.Next(50));
                }
                return (ValueKind.String, U(text.ToString()));
        }
    }

    public static Column ToColumn(string name, ValueKind[] kinds, byte[][] values)
    {
        var offsets = new int[kinds.Length + 1];
        for (var r = 0; r < kinds.Length; r++)
        {
            offsets[r + 1] = offsets[r] + (kinds[r] == ValueKind.Absent ? 0 : values[r].Length);
        }
        var bytes = new byte[offsets[^1]];
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent)
            {
                values[r].CopyTo(bytes, offsets[r]);
            }
        }
        return new Column(name, kinds, offsets, bytes);
    }

    /// <summary>Asserts two blocks are identical: stream, times, column order, kinds, offsets and bytes.</summary>
    public static void AssertEqual(ColumnarBlock expected, ColumnarBlock actual)
    {
        Assert.Equal(expected.Stream, actual.Stream);
        Assert.Equal(expected.Times, actual.Times);
        Assert.Equal(expected.Columns.Select(c => c.Name), actual.Columns.Select(c => c.Name));
        for (var c = 0; c < expected.Columns.Count; c++)
        {
            var e = expected.Columns[c];
            var a = actual.Columns[c];
            Assert.Equal(e.Kinds, a.Kinds);
            for (var r = 0; r < e.RowCount; r++)
            {
                Assert.True(e.GetValue(r).SequenceEqual(a.GetValue(r)), $"column {e.Name} row {r} differs");
            }
        }
        for (var r = 0; r < expected.RowCount; r++)
        {
            var e = expected.ToLogEvent(r);
            var a = actual.ToLogEvent(r);
            Assert.Equal(e.TimeNs, a.TimeNs);
            Assert.Equal(e.Fields, a.Fields);
        }
    }
}
