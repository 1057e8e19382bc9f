using System.Text.Json;
using Vigie.Core;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary><c>json</c>: parses a field holding a JSON object into fields; nested objects become dotted names.</summary>
public sealed class JsonProcessor(string field, string? target, bool removeField) : Processor
{
    public override string Type => "json";

    public override string? Apply(PipelineEvent e)
    {
        var text = e.GetText(field);
        if (text is null)
        {
            return $"field '{field}' is missing";
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException x)
        {
            return $"'{field}' is not JSON: {x.Message}";
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return $"'{field}' is JSON but not an object";
            }
            if (removeField)
            {
                e.Remove(field);
            }
            Flatten(e, doc.RootElement, string.IsNullOrEmpty(target) ? "" : target + ".");
        }
        return null;
    }

    internal static void Flatten(PipelineEvent e, JsonElement obj, string prefix)
    {
        foreach (var p in obj.EnumerateObject())
        {
            var name = prefix + p.Name;
            switch (p.Value.ValueKind)
            {
                case JsonValueKind.Object:
                    Flatten(e, p.Value, name + ".");
                    break;
                case JsonValueKind.String:
                    e.Set(name, FieldValue.Str(p.Value.GetString()!));
                    break;
                case JsonValueKind.Number:
                    e.Set(name, FieldValue.Num(p.Value.GetRawText()));
                    break;
                case JsonValueKind.True or JsonValueKind.False:
                    e.Set(name, new FieldValue(ValueKind.Bool, p.Value.ValueKind == JsonValueKind.True ? "true" : "false"));
                    break;
                case JsonValueKind.Array:
                    e.Set(name, new FieldValue(ValueKind.Json, p.Value.GetRawText()));
                    break;
                default:
                    break; // null: no field, as at ingestion
            }
        }
    }
}
