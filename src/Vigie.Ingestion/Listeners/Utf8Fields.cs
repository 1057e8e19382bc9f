using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Vigie.Core;

namespace Vigie.Ingestion.Listeners;

/// <summary>Adds values from the wire to a batch, repairing invalid UTF-8 (the store holds only valid text).</summary>
public static class Utf8Fields
{
    public static void Add(EventBatch batch, string name, ReadOnlySpan<byte> value, ValueKind kind = ValueKind.String)
    {
        if (Utf8.IsValid(value))
        {
            batch.AddField(name, kind, value);
        }
        else
        {
            // Rare (a sender's broken encoding): each bad byte becomes U+FFFD, the rest is kept.
            batch.AddField(name, kind, Encoding.UTF8.GetString(value));
        }
    }

    /// <summary>Adds the JSON string <paramref name="reader"/> is on, unescaped, repaired like <see cref="Add"/>.</summary>
    public static void AddJsonString(EventBatch batch, string name, ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            Add(batch, name, reader.ValueSpan);
            return;
        }
        // Unescaped text is never longer than its escaped form.
        var rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            Add(batch, name, rented.AsSpan(0, reader.CopyString(rented)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Adds the JSON value <paramref name="reader"/> is on as a leaf: a string (as
    /// <see cref="AddJsonString"/>), a number or a boolean as such, an array as its JSON text
    /// (<paramref name="json"/> is what the reader reads), a null not at all.
    /// </summary>
    /// <returns>False when the value is an object, which the caller flattens under its own names.</returns>
    /// <exception cref="FormatException">The reader is not on a value.</exception>
    public static bool TryAddJsonLeaf(EventBatch batch, string name, ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                AddJsonString(batch, name, ref reader);
                return true;
            case JsonTokenType.Number:
                batch.AddField(name, ValueKind.Number, reader.ValueSpan);
                return true;
            case JsonTokenType.True or JsonTokenType.False:
                batch.AddField(name, ValueKind.Bool, reader.ValueSpan);
                return true;
            case JsonTokenType.Null:
                return true;
            case JsonTokenType.StartObject:
                return false;
            case JsonTokenType.StartArray:
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                batch.AddField(name, ValueKind.Json, json[start..(int)(reader.TokenStartIndex + 1)]);
                return true;
            default:
                throw new FormatException("unexpected " + reader.TokenType.ToString());
        }
    }

    /// <summary>Parses an RFC 3339 time given as UTF-8 bytes.</summary>
    public static bool TryParseRfc3339(ReadOnlySpan<byte> utf8, out long ns)
    {
        ns = 0;
        if (utf8.Length is < 19 or > 64)
        {
            return false;
        }
        return Timestamps.TryParseRfc3339(utf8, out ns);
    }
}
