using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Vigie.Cli.Ingest;

/// <summary>
/// Turns a line of an input file into a line of the NDJSON body: a JSON object goes as it is; any
/// other line is plain text and is sent as <c>{"_msg":"..."}</c>. A blank line stays blank, so that
/// the server's line numbers still match the file's.
/// </summary>
public static class IngestLine
{
    public static void Append(ReadOnlySpan<byte> line, ArrayBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!line.Trim(" \t"u8).IsEmpty)
        {
            if (IsJsonObject(line))
            {
                output.Write(line);
            }
            else
            {
                AppendAsMessage(line, output);
            }
        }
        output.Write("\n"u8);
    }

    /// <summary>One whole, valid JSON object and nothing else (a line that only starts like one is text).</summary>
    public static bool IsJsonObject(ReadOnlySpan<byte> line)
    {
        var trimmed = line.TrimStart(" \t"u8);
        if (trimmed.IsEmpty || trimmed[0] != (byte)'{' || !Utf8.IsValid(line))
        {
            return false;
        }
        try
        {
            var reader = new Utf8JsonReader(line);
            reader.Read();
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Writes <c>{"_msg":"text"}</c>, escaping as JSON requires; invalid UTF-8 becomes U+FFFD.</summary>
    public static void AppendAsMessage(ReadOnlySpan<byte> text, ArrayBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write("{\"_msg\":\""u8);
        if (Utf8.IsValid(text))
        {
            AppendEscaped(text, output);
        }
        else
        {
            Span<byte> encoded = stackalloc byte[4];
            while (!text.IsEmpty)
            {
                // An invalid sequence decodes as U+FFFD and consumes the bad bytes.
                Rune.DecodeFromUtf8(text, out var rune, out var consumed);
                var length = rune.EncodeToUtf8(encoded);
                AppendEscaped(encoded[..length], output);
                text = text[consumed..];
            }
        }
        output.Write("\"}"u8);
    }

    private static void AppendEscaped(ReadOnlySpan<byte> text, ArrayBufferWriter<byte> output)
    {
        while (!text.IsEmpty)
        {
            var special = text.IndexOfAnyInRange((byte)0, (byte)0x1f);
            var quote = text.IndexOfAny((byte)'"', (byte)'\\');
            var next = special < 0 ? quote : quote < 0 ? special : Math.Min(special, quote);
            if (next < 0)
            {
                output.Write(text);
                return;
            }
            output.Write(text[..next]);
            var b = text[next];
            switch (b)
            {
                case (byte)'"':
                    output.Write("\\\""u8);
                    break;
                case (byte)'\\':
                    output.Write("\\\\"u8);
                    break;
                case (byte)'\n':
                    output.Write("\\n"u8);
                    break;
                case (byte)'\r':
                    output.Write("\\r"u8);
                    break;
                case (byte)'\t':
                    output.Write("\\t"u8);
                    break;
                default:
                    output.Write("\\u00"u8);
                    output.Write([Hex(b >> 4), Hex(b & 0xF)]);
                    break;
            }
            text = text[(next + 1)..];
        }
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}
