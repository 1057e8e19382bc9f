using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Vigie.Ingestion.Otlp;

/// <summary>
/// Rewrites an OTLP/JSON request as the protobuf bytes of the same request, for
/// <see cref="OtlpWireDecoder"/>, without message objects. It handles the JSON the OpenTelemetry
/// SDKs and Collector write (camelCase names, 64-bit integers as strings or numbers, hex ids);
/// anything else (a snake_case name, a null, an unknown field, a base64 id, bad JSON...) makes it give
/// up, and the caller falls back to Google.Protobuf's JSON parser, which decides and explains.
/// </summary>
internal sealed class OtlpJsonTranscoder
{
    private const int MaxJsonDepth = 64;

    private static readonly JsonReaderOptions Options = new() { MaxDepth = MaxJsonDepth + 8 };

    [ThreadStatic]
    private static OtlpJsonTranscoder? t_transcoder;

    private byte[] _out = new byte[64 * 1024];
    private int _length;

    /// <summary>The protobuf request, or null when the JSON is not of the kind handled here.</summary>
    public static ReadOnlyMemory<byte>? TryTranscode(ReadOnlySpan<byte> json)
    {
        if (!Utf8.IsValid(json))
        {
            return null;
        }
        var transcoder = t_transcoder ??= new OtlpJsonTranscoder();
        transcoder._length = 0;
        try
        {
            var reader = new Utf8JsonReader(json, Options);
            transcoder.Request(ref reader);
            if (reader.Read())
            {
                return null;
            }
        }
        catch (Exception e) when (e is GiveUp or JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
        // The buffer is the thread's: the caller decodes it before this thread transcodes again.
        return transcoder._out.AsMemory(0, transcoder._length);
    }

    /// <summary>
    /// Gives back the thread's buffer when a large request grew it, once its protobuf is decoded:
    /// threads keep small buffers, not the largest request they ever saw.
    /// </summary>
    public static void Release()
    {
        if (t_transcoder is { } transcoder && transcoder._out.Length > KeptBytes)
        {
            transcoder._out = new byte[64 * 1024];
        }
    }

    private const int KeptBytes = 1024 * 1024;

    private void Request(ref Utf8JsonReader reader)
    {
        Object(ref reader);
        Fields(ref reader, OtlpJsonSchema.Request);
    }

    /// <summary>The properties of the object the reader is in, each written as the field its schema names.</summary>
    private void Fields(ref Utf8JsonReader reader, OtlpJsonSchema.Message message)
    {
        while (Property(ref reader))
        {
            // The SDKs never escape a property name: an escaped one goes to the reference parser.
            var field = (reader.ValueIsEscaped ? null : message.Find(reader.ValueSpan)) ?? throw GiveUp.Instance;
            switch (field.Kind)
            {
                case OtlpJsonSchema.Kind.String:
                    String(ref reader, field.Number);
                    break;
                case OtlpJsonSchema.Kind.Fixed64:
                    Fixed64(ref reader, field.Number);
                    break;
                case OtlpJsonSchema.Kind.UInt32:
                    Varint(ref reader, field.Number, uint.MaxValue);
                    break;
                case OtlpJsonSchema.Kind.Int32:
                    Int32(ref reader, field.Number);
                    break;
                case OtlpJsonSchema.Kind.Int64:
                    Int64(ref reader, field.Number);
                    break;
                case OtlpJsonSchema.Kind.Fixed32:
                    Fixed32(ref reader, field.Number);
                    break;
                case OtlpJsonSchema.Kind.Bool:
                    Bool(ref reader, field.Number);
                    break;
                case OtlpJsonSchema.Kind.Double:
                    Double(ref reader, field.Number);
                    break;
                case OtlpJsonSchema.Kind.Base64Bytes:
                    Base64Bytes(ref reader, field.Number);
                    break;
                case OtlpJsonSchema.Kind.HexId:
                    HexId(ref reader, field.Number);
                    break;
                case OtlpJsonSchema.Kind.Message:
                    Message(ref reader, field.Number, field.Of!);
                    break;
                case OtlpJsonSchema.Kind.Repeated:
                    Repeated(ref reader, field.Number, field.Of!);
                    break;
                default:
                    throw GiveUp.Instance;
            }
        }
    }

    /// <summary>A message field: the object the reader reaches next, as a length-delimited field.</summary>
    private void Message(ref Utf8JsonReader reader, int field, OtlpJsonSchema.Message message)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject || reader.CurrentDepth > MaxJsonDepth)
        {
            throw GiveUp.Instance;
        }
        var start = BeginLength(field);
        Fields(ref reader, message);
        EndLength(start);
    }

    /// <summary>A repeated message field: an array of objects.</summary>
    private void Repeated(ref Utf8JsonReader reader, int field, OtlpJsonSchema.Message message)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw GiveUp.Instance;
        }
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return;
            }
            if (reader.TokenType != JsonTokenType.StartObject || reader.CurrentDepth > MaxJsonDepth)
            {
                throw GiveUp.Instance;
            }
            var start = BeginLength(field);
            Fields(ref reader, message);
            EndLength(start);
        }
    }

    private void Int32(ref Utf8JsonReader reader, int field)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var number))
        {
            throw GiveUp.Instance;
        }
        Tag(field, 0);
        WriteVarint((ulong)(long)number);
    }

    private void Int64(ref Utf8JsonReader reader, int field)
    {
        Read(ref reader);
        if (!Utf8Parser.TryParse(Integer(ref reader), out long value, out var used) || used != reader.ValueSpan.Length)
        {
            throw GiveUp.Instance;
        }
        Tag(field, 0);
        WriteVarint((ulong)value);
    }

    private void Fixed32(ref Utf8JsonReader reader, int field)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt32(out var value))
        {
            throw GiveUp.Instance;
        }
        Tag(field, 5);
        Room(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_out.AsSpan(_length), value);
        _length += 4;
    }

    private void Bool(ref Utf8JsonReader reader, int field)
    {
        Read(ref reader);
        if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
        {
            throw GiveUp.Instance;
        }
        Tag(field, 0);
        WriteVarint(reader.TokenType == JsonTokenType.True ? 1UL : 0UL);
    }

    private void Double(ref Utf8JsonReader reader, int field)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var value) || !double.IsFinite(value))
        {
            throw GiveUp.Instance;
        }
        Tag(field, 1);
        Room(8);
        BinaryPrimitives.WriteDoubleLittleEndian(_out.AsSpan(_length), value);
        _length += 8;
    }

    private void Base64Bytes(ref Utf8JsonReader reader, int field)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
        {
            throw GiveUp.Instance;
        }
        var start = BeginLength(field);
        Room(reader.ValueSpan.Length);
        if (Base64.DecodeFromUtf8(reader.ValueSpan, _out.AsSpan(_length), out var consumed, out var written) != System.Buffers.OperationStatus.Done || consumed != reader.ValueSpan.Length)
        {
            throw GiveUp.Instance;
        }
        _length += written;
        EndLength(start);
    }

    private static void Object(ref Utf8JsonReader reader)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw GiveUp.Instance;
        }
    }

    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    private static bool Property(ref Utf8JsonReader reader)
    {
        Read(ref reader);
        return reader.TokenType == JsonTokenType.PropertyName;
    }

    private static void Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw GiveUp.Instance;
        }
    }

    private void String(ref Utf8JsonReader reader, int field)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.String)
        {
            throw GiveUp.Instance;
        }
        var start = BeginLength(field);
        Room(reader.ValueSpan.Length);
        _length += reader.ValueIsEscaped ? reader.CopyString(_out.AsSpan(_length)) : Copy(reader.ValueSpan);
        EndLength(start);
    }

    private int Copy(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_out.AsSpan(_length));
        return bytes.Length;
    }

    /// <summary>The digits of an integer written as a JSON number or as a string of digits (64-bit values).</summary>
    private static ReadOnlySpan<byte> Integer(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.Number or JsonTokenType.String) || reader.ValueIsEscaped)
        {
            throw GiveUp.Instance;
        }
        return reader.ValueSpan;
    }

    private void Fixed64(ref Utf8JsonReader reader, int field)
    {
        Read(ref reader);
        if (!Utf8Parser.TryParse(Integer(ref reader), out ulong value, out var used) || used != reader.ValueSpan.Length)
        {
            throw GiveUp.Instance;
        }
        Tag(field, 1);
        Room(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_out.AsSpan(_length), value);
        _length += 8;
    }

    private void Varint(ref Utf8JsonReader reader, int field, ulong max)
    {
        Read(ref reader);
        if (!Utf8Parser.TryParse(Integer(ref reader), out ulong value, out var used) || used != reader.ValueSpan.Length || value > max)
        {
            throw GiveUp.Instance;
        }
        Tag(field, 0);
        WriteVarint(value);
    }

    /// <summary>
    /// A trace or span id in hex, as the OTLP/JSON specification writes them. Only lengths that are
    /// a multiple of 4 are taken here: the reference reads ids as base64, which such hex text is.
    /// </summary>
    private void HexId(ref Utf8JsonReader reader, int field)
    {
        Read(ref reader);
        var text = reader.ValueSpan;
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || text.Length % 4 != 0)
        {
            throw GiveUp.Instance;
        }
        var start = BeginLength(field);
        Room(text.Length / 2);
        for (var i = 0; i < text.Length; i += 2)
        {
            _out[_length++] = (byte)((HexDigit(text[i]) << 4) | HexDigit(text[i + 1]));
        }
        EndLength(start);
    }

    private static int HexDigit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => throw GiveUp.Instance,
    };

    private void Tag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        Room(10);
        while (value >= 0x80)
        {
            _out[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _out[_length++] = (byte)value;
    }

    /// <summary>Writes the tag and room for a 5-byte length, filled in by <see cref="EndLength"/>.</summary>
    private int BeginLength(int field)
    {
        Tag(field, 2);
        Room(5);
        var start = _length;
        _length += 5;
        return start;
    }

    private void EndLength(int start)
    {
        // A padded varint (continuation bits on zero groups) is valid protobuf and saves moving the
        // content once its length is known.
        var length = (uint)(_length - start - 5);
        for (var i = 0; i < 4; i++)
        {
            _out[start + i] = (byte)((length & 0x7F) | 0x80);
            length >>= 7;
        }
        _out[start + 4] = (byte)length;
    }

    private void Room(int bytes)
    {
        if (_length + bytes > _out.Length)
        {
            System.Array.Resize(ref _out, Math.Max(_length + bytes, _out.Length * 2));
        }
    }

    private sealed class GiveUp : Exception
    {
        public static readonly GiveUp Instance = new();
    }
}
