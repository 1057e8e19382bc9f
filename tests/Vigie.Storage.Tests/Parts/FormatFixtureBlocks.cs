using System.Globalization;
using System.Text;
using Vigie.Core;
using Vigie.Storage.Blocks;

namespace Vigie.Storage.Tests.Parts;

/// <summary>
/// The blocks of the committed part fixtures (<c>Parts/Fixtures/format-v*.part</c>): made from fixed
/// seeds so that a test can rebuild them and compare them with what a reader gets from a part written
/// by an older build. Never change this generator: the fixtures were written from it.
/// </summary>
internal static class FormatFixtureBlocks
{
    public static ColumnarBlock[] Make()
    {
        var blocks = new ColumnarBlock[6];
        for (var b = 0; b < blocks.Length; b++)
        {
            var random = new Random(1000 + b);
            var rows = b == 5 ? 1 : 50 + random.Next(400);
            var stream = StreamKey.Create([new("host", "h" + b.ToString(CultureInfo.InvariantCulture))]);
            var times = new long[rows];
            var t = 1_700_000_000_000_000_000L + random.NextInt64(1_000_000_000_000);
            for (var i = 0; i < rows; i++)
            {
                times[i] = t;
                // Equal, regular and jittered steps (a part's times never decrease within a block).
                t += (i % 4) switch
                {
                    0 => 0,
                    1 => 1_000_000,
                    _ => random.NextInt64(1, 2_000_000_000),
                };
            }
            blocks[b] = new ColumnarBlock(stream, times,
            [
                Column("_msg", rows, random, r => $"GET /api/{r.Next(100)} in {r.Next(900)} ms {Words[r.Next(Words.Length)]}", ValueKind.String),
                Column("level", rows, random, r => Levels[r.Next(Levels.Length)], ValueKind.String),
                Column("const", rows, random, _ => "same", ValueKind.String),
                Column("status", rows, random, r => (200 + r.Next(4) * 100).ToString(CultureInfo.InvariantCulture), ValueKind.Number, absentEvery: 7),
                Column("bytes", rows, random, r => r.NextInt64(-5, 1_000_000).ToString(CultureInfo.InvariantCulture), ValueKind.Number),
                Column("duration", rows, random, r => (r.Next(100_000) / 1000.0).ToString("R", CultureInfo.InvariantCulture), ValueKind.Number),
                Column("client_ip", rows, random, r => $"10.{r.Next(256)}.{r.Next(256)}.{r.Next(256)}", ValueKind.String, absentEvery: 5),
                Column("request_id", rows, random, r => r.NextInt64().ToString("x16", CultureInfo.InvariantCulture), ValueKind.String),
                Column("mixed", rows, random, r => r.Next(3) switch { 0 => "12", 1 => "true", _ => "{\"a\":1}" }, ValueKind.Absent, absentEvery: 3),
            ]);
        }
        return blocks;
    }

    private static readonly string[] Words = ["error", "timeout", "é", "日本", "😀", "a\"b", ""];

    private static readonly string[] Levels = ["info", "warn", "error"];

    /// <summary>A column of <paramref name="rows"/> values; <see cref="ValueKind.Absent"/> as kind picks the kind from the text.</summary>
    private static Column Column(string name, int rows, Random random, Func<Random, string> value, ValueKind kind, int absentEvery = 0)
    {
        var kinds = new ValueKind[rows];
        var offsets = new int[rows + 1];
        var bytes = new List<byte>();
        for (var r = 0; r < rows; r++)
        {
            if (absentEvery > 0 && r % absentEvery == absentEvery - 1)
            {
                kinds[r] = ValueKind.Absent;
            }
            else
            {
                var text = value(random);
                kinds[r] = kind != ValueKind.Absent ? kind : text switch { "12" => ValueKind.Number, "true" => ValueKind.Bool, _ => ValueKind.Json };
                bytes.AddRange(Encoding.UTF8.GetBytes(text));
            }
            offsets[r + 1] = bytes.Count;
        }
        return new Column(name, kinds, offsets, [.. bytes]);
    }
}
