using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Vigie.Agent.Journald;

/// <summary>
/// Reads one line of <c>journalctl -o json</c>. A field's value is a string, an array of byte values
/// (when it is not printable UTF-8), an array of either when the entry has the field several times, or
/// null (a value too large, when <c>--all</c> is not given).
/// </summary>
internal sealed class JournalEntryParser : IDisposable
{
    private byte[] _message = ArrayPool<byte>.Shared.Rent(4096);
    private int _length;

    /// <summary>Parses <paramref name="json"/>; the entry's message stays valid until the next call.</summary>
    /// <exception cref="JsonException">Not a JSON object.</exception>
    public JournalEntry Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a journal entry is a JSON object");
        }
        _length = 0;
        long? realtime = null;
        int? priority = null;
        string? cursor = null, unit = null, identifier = null, pid = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("MESSAGE"u8))
            {
                reader.Read();
                ReadMessage(ref reader);
            }
            else if (reader.ValueTextEquals("__REALTIME_TIMESTAMP"u8))
            {
                reader.Read();
                realtime = long.TryParse(Text(ref reader), out var us) ? us : null;
            }
            else if (reader.ValueTextEquals("__CURSOR"u8))
            {
                reader.Read();
                cursor = Text(ref reader);
            }
            else if (reader.ValueTextEquals("_SYSTEMD_UNIT"u8))
            {
                reader.Read();
                unit = Text(ref reader);
            }
            else if (reader.ValueTextEquals("SYSLOG_IDENTIFIER"u8))
            {
                reader.Read();
                identifier = Text(ref reader);
            }
            else if (reader.ValueTextEquals("PRIORITY"u8))
            {
                reader.Read();
                priority = int.TryParse(Text(ref reader), out var p) ? p : null;
            }
            else if (reader.ValueTextEquals("_PID"u8))
            {
                reader.Read();
                pid = Text(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("a journal entry ends with '}'");
        }
        return new JournalEntry(_message.AsMemory(0, _length), realtime, cursor, unit, identifier, priority, pid);
    }

    private void ReadMessage(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                AppendString(ref reader);
                break;
            case JsonTokenType.StartArray:
                // Bytes ([104, 105]) or several values (["a", "b"]): the first value is the message.
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    AppendString(ref reader);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        reader.Skip();
                    }
                }
                else if (reader.TokenType == JsonTokenType.StartArray)
                {
                    ReadBytes(ref reader);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    while (reader.TokenType == JsonTokenType.Number)
                    {
                        Append((byte)reader.GetInt32());
                        reader.Read();
                    }
                }
                break;
            default:
                reader.Skip();
                break;
        }
    }

    // At the '[' of a byte array: reads to its ']'.
    private void ReadBytes(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.Number)
        {
            Append((byte)reader.GetInt32());
        }
    }

    private void AppendString(ref Utf8JsonReader reader)
    {
        var needed = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        Ensure(needed);
        _length += reader.CopyString(_message.AsSpan(_length));
    }

    private void Append(byte value)
    {
        Ensure(1);
        _message[_length++] = value;
    }

    private void Ensure(int more)
    {
        if (_length + more <= _message.Length)
        {
            return;
        }
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_message.Length * 2, _length + more));
        _message.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_message);
        _message = larger;
    }

    // A text field: its string, the first of several, or its bytes as UTF-8; null for null.
    private static string? Text(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartArray:
                string? first = null;
                var bytes = new List<byte>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        first ??= reader.GetString();
                    }
                    else if (reader.TokenType == JsonTokenType.Number)
                    {
                        bytes.Add((byte)reader.GetInt32());
                    }
                    else if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        var value = new List<byte>();
                        while (reader.Read() && reader.TokenType == JsonTokenType.Number)
                        {
                            value.Add((byte)reader.GetInt32());
                        }
                        first ??= Encoding.UTF8.GetString([.. value]);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                return first ?? (bytes.Count > 0 ? Encoding.UTF8.GetString([.. bytes]) : null);
            case JsonTokenType.Number:
                return Utf8Parser.TryParse(reader.ValueSpan, out long n, out _) ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            default:
                reader.Skip();
                return null;
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_message);
        _message = [];
    }
}
