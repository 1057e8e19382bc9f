using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Web.Model;

/// <summary>One result row made ready for the table: its columns copied once, the usual ones picked out.</summary>
public sealed class DisplayRow
{
    private DisplayRow(long? timeNs, IReadOnlyList<KeyValuePair<string, FieldValue>> fields)
    {
        TimeNs = timeNs;
        Fields = fields;
    }

    public long? TimeNs { get; }

    /// <summary>Every column, in the row's order.</summary>
    public IReadOnlyList<KeyValuePair<string, FieldValue>> Fields { get; }

    public string Time => TimeNs is { } ns ? Timestamps.FormatRfc3339(ns) : "";

    public string? Level => Get(Levels.Field);

    public string LevelClass => Levels.Classify(Level);

    public string Message => Get(FieldNames.Message) ?? "";

    public string Stream => Get(FieldNames.Stream) ?? "";

    public static DisplayRow From(IRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new DisplayRow(row.TimeNs, [.. row.Columns]);
    }

    public string? Get(string name)
    {
        foreach (var (n, v) in Fields)
        {
            if (n == name)
            {
                return v.Kind == ValueKind.Absent ? null : v.Text;
            }
        }
        return null;
    }

    /// <summary>The row as one JSON object, numbers as numbers: what "copy as JSON" puts on the clipboard.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in Fields)
            {
                writer.WritePropertyName(name);
                switch (value.Kind)
                {
                    case ValueKind.Absent:
                        writer.WriteNullValue();
                        break;
                    case ValueKind.Number when NumberText.TryParse(value.Text, out _):
                    case ValueKind.Bool or ValueKind.Json:
                        writer.WriteRawValue(value.Text);
                        break;
                    default:
                        writer.WriteStringValue(value.Text);
                        break;
                }
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
