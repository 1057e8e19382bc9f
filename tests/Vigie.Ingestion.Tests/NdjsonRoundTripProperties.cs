using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;

namespace Vigie.Ingestion.Tests;

public class NdjsonRoundTripProperties
{
    private static readonly string[] Words = ["a", "b", "host", "level", "http", "status", "x1", "é", "with space", "q\"uote", "_x", "z.z"];

    [Fact]
    public void DecodeAsync_RandomEvents_RoundTripFieldsKindsValuesAndTimes()
    {
        var events = Gen.ListOf(EventGen()).Select(l => l.ToArray()).ToArbitrary();

        Prop.ForAll(events, (GeneratedEvent[] generated) =>
        {
            var (text, expected) = Render(generated);
            var (result, decoded) = Decode.Text(text);
            Assert.Empty(result.Errors);
            Assert.Equal(expected.Count, decoded.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].TimeNs, decoded[i].TimeNs);
                Assert.Equal(expected[i].Fields, decoded[i].Fields.Select(f => (f.Key, f.Value.Kind, f.Value.Text)));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    private static (string Text, List<(long TimeNs, List<(string Key, ValueKind Kind, string Text)> Fields)> Expected) Render(GeneratedEvent[] events)
    {
        var text = new StringBuilder();
        var expected = new List<(long, List<(string, ValueKind, string)>)>();
        foreach (var e in events)
        {
            var output = new MemoryStream();
            var options = new JsonWriterOptions { Encoder = e.Relaxed ? JavaScriptEncoder.UnsafeRelaxedJsonEscaping : JavaScriptEncoder.Default };
            using (var writer = new Utf8JsonWriter(output, options))
            {
                writer.WriteStartObject();
                if (e.TimeNs is { } ns)
                {
                    if (e.TimeAsString)
                    {
                        writer.WriteString("_time", Timestamps.FormatRfc3339(ns));
                    }
                    else
                    {
                        writer.WritePropertyName("_time");
                        writer.WriteRawValue(ns.ToString(CultureInfo.InvariantCulture));
                    }
                }
                var fields = new List<(string, ValueKind, string)>();
                foreach (var group in e.Groups)
                {
                    if (group.Parent is null)
                    {
                        WriteField(writer, group.Fields[0]);
                        fields.Add(group.Fields[0]);
                        continue;
                    }
                    writer.WriteStartObject(group.Parent);
                    foreach (var f in group.Fields)
                    {
                        WriteField(writer, f);
                        fields.Add((group.Parent + "." + f.Name, f.Kind, f.Text));
                    }
                    writer.WriteEndObject();
                }
                writer.WriteEndObject();
                expected.Add((e.TimeNs ?? Decode.Now, fields));
            }
            text.Append(Encoding.UTF8.GetString(output.ToArray())).Append(e.Crlf ? "\r\n" : "\n");
        }
        return (text.ToString(), expected);
    }

    private static void WriteField(Utf8JsonWriter writer, (string Name, ValueKind Kind, string Text) f)
    {
        if (f.Kind == ValueKind.String)
        {
            writer.WriteString(f.Name, f.Text);
            return;
        }
        writer.WritePropertyName(f.Name);
        writer.WriteRawValue(f.Text);
    }

    private static Gen<GeneratedEvent> EventGen() =>
        from time in Gen.OneOf(Gen.Constant<long?>(null), Gen.Choose(100_000_000, 2_000_000_000).Select(s => (long?)(s * 1_000_000_000L + s % 999_999_937)))
        from timeAsString in ArbMap.Default.GeneratorFor<bool>()
        from relaxed in ArbMap.Default.GeneratorFor<bool>()
        from crlf in ArbMap.Default.GeneratorFor<bool>()
        from groups in Gen.ListOf(GroupGen())
        select new GeneratedEvent(time, timeAsString, relaxed, crlf, Distinct(groups));

    /// <summary>Keeps the first field of each flattened name, as the decoder does.</summary>
    private static FieldGroup[] Distinct(IEnumerable<FieldGroup> groups)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var kept = new List<FieldGroup>();
        foreach (var g in groups)
        {
            var fields = g.Fields.Where(f => names.Add(g.Parent is null ? f.Name : g.Parent + "." + f.Name)).ToArray();
            if (fields.Length > 0)
            {
                kept.Add(g with { Fields = fields });
            }
        }
        return [.. kept];
    }

    private static Gen<FieldGroup> GroupGen() =>
        Gen.OneOf(
            FieldGen().Select(f => new FieldGroup(null, [f])),
            from parent in NameGen()
            from fields in Gen.NonEmptyListOf(FieldGen())
            select new FieldGroup("p" + parent, [.. fields]));

    private static Gen<string> NameGen() => Gen.Elements(Words);

    private static Gen<(string Name, ValueKind Kind, string Text)> FieldGen() =>
        from name in NameGen()
        from value in Gen.OneOf(
            ArbMap.Default.GeneratorFor<string>().Where(s => s is not null && IsEncodable(s)).Select(s => (ValueKind.String, s)),
            ArbMap.Default.GeneratorFor<long>().Select(n => (ValueKind.Number, n.ToString(CultureInfo.InvariantCulture))),
            ArbMap.Default.GeneratorFor<NormalFloat>().Select(d => (ValueKind.Number, d.Get.ToString("R", CultureInfo.InvariantCulture))),
            ArbMap.Default.GeneratorFor<bool>().Select(b => (ValueKind.Bool, b ? "true" : "false")),
            Gen.ListOf(ArbMap.Default.GeneratorFor<int>()).Select(l => (ValueKind.Json, JsonSerializer.Serialize(l))))
        select (name, value.Item1, value.Item2);

    private static bool IsEncodable(string s)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(s);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public sealed record FieldGroup(string? Parent, (string Name, ValueKind Kind, string Text)[] Fields);

    public sealed record GeneratedEvent(long? TimeNs, bool TimeAsString, bool Relaxed, bool Crlf, FieldGroup[] Groups)
    {
        public override string ToString() => string.Join(" ", Groups.Select(g => $"{g.Parent}{{{string.Join(",", g.Fields)}}}"));
    }
}
