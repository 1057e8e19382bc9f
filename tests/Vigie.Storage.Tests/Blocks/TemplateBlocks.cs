using System.Globalization;
using System.Text;
using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>
/// Random blocks whose message column is built, row by row, from a few random templates over the
/// block's other fields (one of each stored form: Ipv4, Decimal, PackedInt64/Int64, Float64, Dict,
/// Const, Raw), mixed with random noise rows: what the template encoding is for, and its edge cases
/// (absent fields, empty and multi-byte values, a field's text found inside another's).
/// </summary>
internal static class TemplateBlocks
{
    private static readonly string[] Literals = [" ", "\"", " HTTP/1.1\" ", "ms", "client: ", ", ", "é", "日本 ", "=", "[", "]", "0", "00", "GET "];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE"];

    public static ColumnarBlock Make(int seed, int maxRows = 400)
    {
        var random = new Random(seed);
        var rows = 1 + random.Next(maxRows);
        var fields = new (string Name, Func<Random, int, string?> Value, ValueKind Kind)[]
        {
            ("client_ip", (r, i) => r.Next(10) == 0 ? null : $"{r.Next(256)}.{r.Next(256)}.{r.Next(256)}.{r.Next(256)}", ValueKind.String),
            ("duration", (r, _) => (r.Next(1, 100_000) / 1000.0).ToString("0.###", CultureInfo.InvariantCulture), ValueKind.Number),
            ("bytes", (r, _) => r.Next(4) == 0 ? "0" : r.NextInt64(0, 1 << 20).ToString(CultureInfo.InvariantCulture), ValueKind.Number),
            ("counter", (_, i) => (1000 + i).ToString(CultureInfo.InvariantCulture), ValueKind.Number),
            ("ratio", (r, _) => (r.NextDouble() * 1e6).ToString("R", CultureInfo.InvariantCulture), ValueKind.Number),
            ("method", (r, _) => Methods[r.Next(Methods.Length)], ValueKind.String),
            ("status", (r, _) => (200 + (r.Next(4) * 100)).ToString(CultureInfo.InvariantCulture), ValueKind.Number),
            ("service", (_, _) => "nginx", ValueKind.String),
            ("path", (r, _) => r.Next(8) == 0 ? "" : "/api/" + r.Next(1000).ToString(CultureInfo.InvariantCulture) + (r.Next(3) == 0 ? "/é" : ""), ValueKind.String),
        };
        var values = new string?[fields.Length][];
        for (var f = 0; f < fields.Length; f++)
        {
            values[f] = new string?[rows];
            var absentEvery = random.Next(4) == 0 ? 2 + random.Next(10) : 0;
            for (var i = 0; i < rows; i++)
            {
                values[f][i] = absentEvery > 0 && i % absentEvery == 0 ? null : fields[f].Value(random, i);
            }
        }
        // Templates: pieces of literal text (string) or field indexes (int).
        var templates = new List<object[]>();
        for (var t = random.Next(1, 5); t > 0; t--)
        {
            var pieces = new object[random.Next(1, 10)];
            for (var p = 0; p < pieces.Length; p++)
            {
                pieces[p] = random.Next(2) == 0 ? Literals[random.Next(Literals.Length)] : random.Next(fields.Length);
            }
            templates.Add(pieces);
        }
        var noise = random.NextDouble() * 0.6;
        var messages = new byte[rows][];
        var kinds = new ValueKind[rows];
        for (var i = 0; i < rows; i++)
        {
            kinds[i] = random.Next(30) == 0 ? ValueKind.Absent : ValueKind.String;
            var text = new StringBuilder();
            if (random.NextDouble() < noise)
            {
                for (var n = random.Next(0, 6); n > 0; n--)
                {
                    text.Append(Literals[random.Next(Literals.Length)]).Append(random.Next(1000));
                }
            }
            else
            {
                foreach (var piece in templates[random.Next(templates.Count)])
                {
                    text.Append(piece is int f ? values[f][i] ?? "" : (string)piece);
                }
            }
            messages[i] = Encoding.UTF8.GetBytes(text.ToString());
        }
        var columns = new List<Column>();
        var messageAt = random.Next(fields.Length + 1);
        for (var f = 0; f <= fields.Length; f++)
        {
            if (f == messageAt)
            {
                columns.Add(RandomBlocks.ToColumn(FieldNames.Message, kinds, messages));
            }
            if (f < fields.Length)
            {
                var column = values[f];
                columns.Add(RandomBlocks.ToColumn(
                    fields[f].Name,
                    [.. column.Select(v => v is null ? ValueKind.Absent : fields[f].Kind)],
                    [.. column.Select(v => v is null ? [] : Encoding.UTF8.GetBytes(v))]));
            }
        }
        var times = new long[rows];
        for (var i = 1; i < rows; i++)
        {
            times[i] = times[i - 1] + random.Next(1000);
        }
        return new ColumnarBlock(StreamKey.Create([new("host", "h" + seed.ToString(CultureInfo.InvariantCulture))]), times, columns);
    }
}
