using System.Text.Json;
using Vigie.Core;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary><c>json</c>: parses a field holding a JSON object into fields; nested objects become dotted names.</summary>
public sealed class JsonProcessor(string field, string? target, bool removeField) : Processor, ISpanProcessor
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

    /// <summary>
    /// The fast form: the value's bytes are read once with <see cref="Utf8JsonReader"/>; strings without
    /// escapes, numbers and arrays become slices of them, nothing is built per key but the name.
    /// </summary>
    bool ISpanProcessor.TryApply(SpanEvent e)
    {
        if (field is FieldNames.Time or FieldNames.Stream)
        {
            return false;
        }
        var index = e.IndexOf(field);
        if (index < 0)
        {
            return false;
        }
        var value = e.Value(index);
        var baseOffset = e.Offset(index);
        if (!System.Text.Unicode.Utf8.IsValid(value))
        {
            return false;
        }
        var names = System.Buffers.ArrayPool<char>.Shared.Rent(256);
        try
        {
            var reader = new Utf8JsonReader(value);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            if (removeField)
            {
                e.Remove(field);
            }
            var prefix = string.IsNullOrEmpty(target) ? 0 : target.Length + 1;
            Grow(ref names, prefix);
            if (prefix > 0)
            {
                target.AsSpan().CopyTo(names);
                names[prefix - 1] = '.';
            }
            Flatten(ref reader, e, ref names, prefix, baseOffset);
            // Only white space may follow the object, as for JsonDocument.
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(names);
        }
    }

    private static void Flatten(ref Utf8JsonReader reader, SpanEvent e, ref char[] names, int prefix, int baseOffset)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            Grow(ref names, prefix + reader.ValueSpan.Length + 1);
            var n = reader.ValueIsEscaped ? reader.CopyString(names.AsSpan(prefix)) : System.Text.Encoding.UTF8.GetChars(reader.ValueSpan, names.AsSpan(prefix));
            var length = prefix + n;
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    names[length] = '.';
                    Flatten(ref reader, e, ref names, length + 1, baseOffset);
                    break;
                case JsonTokenType.String:
                    if (reader.ValueIsEscaped)
                    {
                        var room = e.Reserve(reader.ValueSpan.Length);
                        var written = reader.CopyString(room);
                        e.CommitValue(e.Name(names.AsSpan(0, length)), ValueKind.String, written);
                    }
                    else
                    {
                        e.SetSlice(e.Name(names.AsSpan(0, length)), ValueKind.String, baseOffset + (int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                    }
                    break;
                case JsonTokenType.Number:
                    e.SetSlice(e.Name(names.AsSpan(0, length)), ValueKind.Number, baseOffset + (int)reader.TokenStartIndex, reader.ValueSpan.Length);
                    break;
                case JsonTokenType.True:
                    e.Set(e.Name(names.AsSpan(0, length)), ValueKind.Bool, "true"u8);
                    break;
                case JsonTokenType.False:
                    e.Set(e.Name(names.AsSpan(0, length)), ValueKind.Bool, "false"u8);
                    break;
                case JsonTokenType.StartArray:
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    e.SetSlice(e.Name(names.AsSpan(0, length)), ValueKind.Json, baseOffset + start, (int)reader.TokenStartIndex + 1 - start);
                    break;
                default:
                    break; // null: no field, as at ingestion
            }
        }
    }

    private static void Grow(ref char[] names, int length)
    {
        if (names.Length < length)
        {
            var bigger = System.Buffers.ArrayPool<char>.Shared.Rent(Math.Max(length, names.Length * 2));
            names.AsSpan().CopyTo(bigger);
            System.Buffers.ArrayPool<char>.Shared.Return(names);
            names = bigger;
        }
    }
}
