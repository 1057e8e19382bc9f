using System.Text.Encodings.Web;
using System.Text.Json;
using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Server.Endpoints;

/// <summary>Writes rows as JSON objects, each value with its JSON type (numbers stay numbers).</summary>
internal static class RowJson
{
    /// <summary>Readable output: quotes and non-ASCII text are written as they are, not as \u escapes.</summary>
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>For row streams written one object at a time through one writer that is reset between rows.</summary>
    public static readonly JsonWriterOptions StreamingOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static void Write(Utf8JsonWriter writer, IRow row)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in row.Columns)
        {
            writer.WritePropertyName(name);
            WriteValue(writer, value);
        }
        writer.WriteEndObject();
    }

    public static void WriteValue(Utf8JsonWriter writer, FieldValue value)
    {
        switch (value.Kind)
        {
            case ValueKind.Absent:
                writer.WriteNullValue();
                break;
            case ValueKind.Number or ValueKind.Bool or ValueKind.Json:
                try
                {
                    writer.WriteRawValue(value.Text);
                }
                catch (ArgumentException)
                {
                    // not valid JSON after all (e.g. a number spelled "+5"): keep the text
                    writer.WriteStringValue(value.Text);
                }
                break;
            default:
                writer.WriteStringValue(value.Text);
                break;
        }
    }
}
