using System.Globalization;
using Vigie.Core;

namespace Vigie.Storage.Tests.Store;

/// <summary>Events with the values that are hard to keep exact: unicode, empty strings, odd number spellings, arrays.</summary>
internal static class RandomEvents
{
    private static readonly string[] Names = ["_msg", "host", "level", "http.status", "duration", "é", "a b", "tags", "user"];
    private static readonly string[] Texts = ["", "error", "Straße", "日本語 テキスト", "line\nbreak", "tab\there", "\"quoted\"", "emoji 😀", new string('x', 3000)];
    private static readonly string[] Numbers = ["0", "-0", "007", "1.50", "1e5", "-9223372036854775808", "9223372036854775807", "3.14159", "500"];

    public static LogEvent Make(Random r, long baseTime)
    {
        var time = baseTime - (long)(r.NextDouble() * 4 * 86_400 * Timestamps.NanosPerSecond);
        var host = "host-" + r.Next(4);
        var fields = new List<KeyValuePair<string, FieldValue>> { new("host", FieldValue.Str(host)) };
        var used = new HashSet<string> { "host" };
        for (var i = r.Next(6); i > 0; i--)
        {
            var name = Names[r.Next(Names.Length)];
            if (!used.Add(name))
            {
                continue;
            }
            fields.Add(new(name, r.Next(5) switch
            {
                0 => FieldValue.Num(Numbers[r.Next(Numbers.Length)]),
                1 => new FieldValue(ValueKind.Bool, r.Next(2) == 0 ? "true" : "false"),
                2 => new FieldValue(ValueKind.Json, "[1,\"a\",{\"b\":null}]"),
                3 => FieldValue.Str(r.Next(100).ToString(CultureInfo.InvariantCulture)),
                _ => FieldValue.Str(Texts[r.Next(Texts.Length)]),
            }));
        }
        return new LogEvent(time, StreamKey.Create([new("host", host)]), fields);
    }

    /// <summary>An order-independent description of an event, exact to the byte and the kind.</summary>
    public static string Describe(LogEvent e) =>
        $"{e.TimeNs}|{e.Stream.Text}|" + string.Join("|", e.Fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={(int)f.Value.Kind}:{f.Value.Text}"));
}
