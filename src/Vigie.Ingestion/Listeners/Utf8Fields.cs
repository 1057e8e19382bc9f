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

    /// <summary>ASCII bytes as chars, for number and time parsers; false when a byte is not ASCII.</summary>
    public static bool TryAscii(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] >= 0x80)
            {
                return false;
            }
            chars[i] = (char)bytes[i];
        }
        return true;
    }

    /// <summary>Parses an RFC 3339 time given as UTF-8 bytes.</summary>
    public static bool TryParseRfc3339(ReadOnlySpan<byte> utf8, out long ns)
    {
        ns = 0;
        if (utf8.Length is < 19 or > 64)
        {
            return false;
        }
        Span<char> chars = stackalloc char[utf8.Length];
        return TryAscii(utf8, chars) && Timestamps.TryParseRfc3339(chars, out ns);
    }
}
