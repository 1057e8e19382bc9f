using System.Buffers;
using System.Buffers.Text;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Vigie.Core;
using Vigie.Ingestion.Listeners;

namespace Vigie.Ingestion.Fluent;

/// <summary>
/// Fluent Forward protocol v1 over TCP: Message (<c>[tag, time, record, option?]</c>), Forward
/// (<c>[tag, [[time, record], ...], option?]</c>), PackedForward and CompressedPackedForward
/// (<c>[tag, bin, option?]</c>, gzip when <c>option.compressed</c> says so); time as an integer or the
/// EventTime extension. With <c>option.chunk</c> the sender wants <c>{"ack": chunk}</c>, sent only once
/// the events are durable.
/// </summary>
/// <remarks>
/// Record keys become fields (nested maps flattened with dots, arrays kept as JSON); <c>log</c>
/// (Docker, Fluent Bit) or else <c>message</c> becomes <c>_msg</c>; Docker's <c>container_name</c>
/// becomes <c>container</c> without its leading <c>/</c>; the tag is the <c>tag</c> field.
/// </remarks>
public sealed class FluentForwardDecoder(int maxMessageBytes) : IStreamDecoder
{
    private const int MaxFieldsPerRecord = 1000;

    private readonly ArrayBufferWriter<byte> _acks = new();

    public int Decode(ReadOnlySpan<byte> buffer, DecodeTarget target)
    {
        var consumed = 0;
        while (consumed < buffer.Length)
        {
            var rest = buffer[consumed..];
            int length;
            try
            {
                if (!MsgPackReader.TryMeasure(rest, out length))
                {
                    break;
                }
            }
            catch (FormatException e)
            {
                // Nothing after a broken value can be framed again: the connection must end.
                throw new InvalidDataException("Fluent Forward stream is not MessagePack: " + e.Message, e);
            }
            DecodeMessage(rest[..length], target);
            consumed += length;
        }
        return consumed;
    }

    public void DecodeLast(ReadOnlySpan<byte> rest, DecodeTarget target)
    {
        if (!rest.IsEmpty)
        {
            target.Reject($"connection closed inside a Fluent Forward message ({rest.Length} bytes)");
        }
    }

    public bool Overflow(ReadOnlySpan<byte> buffer, DecodeTarget target)
    {
        target.Reject($"Fluent Forward message longer than {maxMessageBytes} bytes");
        return false;
    }

    public ReadOnlyMemory<byte> TakeReply()
    {
        if (_acks.WrittenCount == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
        var reply = _acks.WrittenMemory.ToArray();
        _acks.ResetWrittenCount();
        return reply;
    }

    private void DecodeMessage(ReadOnlySpan<byte> message, DecodeTarget target)
    {
        var batch = target.Batch;
        try
        {
            var reader = new MsgPackReader(message);
            var n = reader.ReadArrayHeader();
            if (n is < 2 or > 4)
            {
                throw new FormatException($"a Forward message is an array of 2 to 4 elements, not {n}");
            }
            var tag = reader.ReadBytes();
            var entriesAt = reader.Position;
            var kind = reader.PeekType();
            reader.Skip();
            if (kind is MsgPackType.Integer or MsgPackType.Extension or MsgPackType.Float)
            {
                // Message mode: [tag, time, record, option?]; the record follows the time.
                if (n < 3)
                {
                    throw new FormatException("a Message has a record after its time");
                }
                reader.Skip();
            }
            ReadOnlySpan<byte> chunk = default;
            var compressed = false;
            if (n > (kind is MsgPackType.Array or MsgPackType.String or MsgPackType.Binary ? 2 : 3))
            {
                var (chunkStart, chunkLength) = ReadOption(ref reader, out compressed);
                chunk = message.Slice(chunkStart, chunkLength);
            }
            reader.Position = entriesAt;
            switch (kind)
            {
                case MsgPackType.Integer or MsgPackType.Extension or MsgPackType.Float:
                    DecodeEntry(ref reader, tag, target);
                    break;
                case MsgPackType.Array:
                    var entries = reader.ReadArrayHeader();
                    for (var i = 0; i < entries; i++)
                    {
                        if (reader.ReadArrayHeader() != 2)
                        {
                            throw new FormatException($"entry {i} is not [time, record]");
                        }
                        DecodeEntry(ref reader, tag, target);
                    }
                    break;
                case MsgPackType.String or MsgPackType.Binary:
                    var packed = reader.ReadBytes();
                    if (compressed)
                    {
                        var inflated = Gunzip(packed);
                        DecodePacked(inflated, tag, target);
                    }
                    else
                    {
                        DecodePacked(packed, tag, target);
                    }
                    break;
                default:
                    throw new FormatException("the second element is neither a time, entries nor packed entries");
            }
            if (!chunk.IsEmpty)
            {
                WriteAck(chunk);
            }
        }
        catch (Exception e) when (e is FormatException or InvalidDataException)
        {
            batch.CancelEvent();
            target.Reject("invalid Fluent Forward message: " + e.Message);
        }
    }

    /// <summary>Reads the option map; returns where the chunk id is in the message (length 0 when none).</summary>
    private static (int Start, int Length) ReadOption(ref MsgPackReader reader, out bool compressed)
    {
        (int, int) chunk = (0, 0);
        compressed = false;
        if (reader.PeekType() != MsgPackType.Map)
        {
            reader.Skip();
            return chunk;
        }
        var n = reader.ReadMapHeader();
        for (var i = 0; i < n; i++)
        {
            var key = reader.PeekType() is MsgPackType.String or MsgPackType.Binary ? reader.ReadBytes() : default;
            if (key.SequenceEqual("chunk"u8) && reader.PeekType() is MsgPackType.String or MsgPackType.Binary)
            {
                var id = reader.ReadBytes();
                chunk = (reader.Position - id.Length, id.Length);
            }
            else if (key.SequenceEqual("compressed"u8) && reader.PeekType() is MsgPackType.String)
            {
                var value = reader.ReadBytes();
                compressed = value.SequenceEqual("gzip"u8);
                if (!compressed && !value.SequenceEqual("text"u8))
                {
                    throw new FormatException("unknown compression " + Encoding.UTF8.GetString(value));
                }
            }
            else
            {
                reader.Skip();
            }
        }
        return chunk;
    }

    private void WriteAck(ReadOnlySpan<byte> chunk)
    {
        // {"ack": chunk}
        var span = _acks.GetSpan(16 + chunk.Length);
        span[0] = 0x81;
        span[1] = 0xa3;
        "ack"u8.CopyTo(span[2..]);
        var at = 5;
        if (chunk.Length < 32)
        {
            span[at++] = (byte)(0xa0 | chunk.Length);
        }
        else
        {
            span[at++] = 0xda;
            span[at++] = (byte)(chunk.Length >> 8);
            span[at++] = (byte)chunk.Length;
        }
        chunk.CopyTo(span[at..]);
        _acks.Advance(at + chunk.Length);
    }

    private byte[] Gunzip(ReadOnlySpan<byte> packed)
    {
        using var input = new MemoryStream(packed.ToArray(), writable: false);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int n;
            while ((n = gzip.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, n);
                if (output.Length > maxMessageBytes * 4L)
                {
                    throw new InvalidDataException($"more than {maxMessageBytes * 4L} bytes once decompressed");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return output.ToArray();
    }

    private static void DecodePacked(ReadOnlySpan<byte> packed, ReadOnlySpan<byte> tag, DecodeTarget target)
    {
        var reader = new MsgPackReader(packed);
        while (!reader.End)
        {
            if (reader.ReadArrayHeader() != 2)
            {
                throw new FormatException($"packed entry at offset {reader.Position} is not [time, record]");
            }
            DecodeEntry(ref reader, tag, target);
        }
    }

    /// <summary>Reads <c>time, record</c> into one event.</summary>
    private static void DecodeEntry(ref MsgPackReader reader, ReadOnlySpan<byte> tag, DecodeTarget target)
    {
        var batch = target.Batch;
        batch.BeginEvent(ReadTime(ref reader, target.NowNs));
        try
        {
            Utf8Fields.Add(batch, "tag", tag);
            var fields = 0;
            var hasMessage = false;
            ReadRecord(ref reader, batch, "", ref fields, ref hasMessage);
            batch.EndEvent(target.Streams);
        }
        catch
        {
            batch.CancelEvent();
            throw;
        }
    }

    private static long ReadTime(ref MsgPackReader reader, long nowNs)
    {
        switch (reader.PeekType())
        {
            case MsgPackType.Integer:
                var seconds = reader.ReadInt64();
                return seconds is > 0 and < 32503680000 ? seconds * Timestamps.NanosPerSecond : nowNs;
            case MsgPackType.Float:
                var f = reader.ReadDouble();
                return f is > 0 and < 32503680000 ? (long)(f * Timestamps.NanosPerSecond) : nowNs;
            case MsgPackType.Extension:
                var data = reader.ReadExtension(out var type);
                if (type != 0 || data.Length != 8)
                {
                    throw new FormatException($"EventTime is extension type 0 of 8 bytes, not type {type} of {data.Length}");
                }
                var s = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data);
                var ns = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
                return s * Timestamps.NanosPerSecond + Math.Min(ns, 999_999_999u);
            default:
                throw new FormatException("an entry's time is an integer or an EventTime");
        }
    }

    private static void ReadRecord(ref MsgPackReader reader, EventBatch batch, string prefix, ref int fields, ref bool hasMessage)
    {
        var n = reader.ReadMapHeader();
        for (var i = 0; i < n; i++)
        {
            if (++fields > MaxFieldsPerRecord)
            {
                throw new FormatException($"record with more than {MaxFieldsPerRecord} fields");
            }
            if (reader.PeekType() is not (MsgPackType.String or MsgPackType.Binary))
            {
                throw new FormatException($"record key at offset {reader.Position} is not a string");
            }
            var key = reader.ReadBytes();
            string name;
            if (prefix.Length == 0)
            {
                if (!hasMessage && (key.SequenceEqual("log"u8) || key.SequenceEqual("message"u8)) && reader.PeekType() is MsgPackType.String or MsgPackType.Binary)
                {
                    var text = reader.ReadBytes();
                    // Docker sends each line with its LF.
                    if (text.Length > 0 && text[^1] == '\n')
                    {
                        text = text[..^(text.Length > 1 && text[^2] == '\r' ? 2 : 1)];
                    }
                    Utf8Fields.Add(batch, FieldNames.Message, text);
                    hasMessage = true;
                    continue;
                }
                if (key.SequenceEqual("container_name"u8) && reader.PeekType() is MsgPackType.String or MsgPackType.Binary)
                {
                    var value = reader.ReadBytes();
                    Utf8Fields.Add(batch, "container", value.Length > 0 && value[0] == '/' ? value[1..] : value);
                    continue;
                }
                name = Encoding.UTF8.GetString(key);
                if (FieldNames.IsReserved(name) || name == FieldNames.Message)
                {
                    name = "fluent" + name;
                }
            }
            else
            {
                name = prefix + Encoding.UTF8.GetString(key);
            }
            ReadValue(ref reader, batch, name, ref fields, ref hasMessage);
        }
    }

    private static void ReadValue(ref MsgPackReader reader, EventBatch batch, string name, ref int fields, ref bool hasMessage)
    {
        Span<byte> number = stackalloc byte[32];
        switch (reader.PeekType())
        {
            case MsgPackType.String or MsgPackType.Binary:
                Utf8Fields.Add(batch, name, reader.ReadBytes());
                break;
            case MsgPackType.Integer:
                Utf8Formatter.TryFormat(reader.ReadInt64(), number, out var written);
                batch.AddField(name, ValueKind.Number, number[..written]);
                break;
            case MsgPackType.Float:
                var d = reader.ReadDouble();
                if (double.IsFinite(d))
                {
                    Utf8Formatter.TryFormat(d, number, out written);
                    batch.AddField(name, ValueKind.Number, number[..written]);
                }
                break;
            case MsgPackType.Bool:
                batch.AddField(name, ValueKind.Bool, reader.ReadBool() ? "true"u8 : "false"u8);
                break;
            case MsgPackType.Nil:
                reader.ReadNil();
                break;
            case MsgPackType.Map:
                ReadRecord(ref reader, batch, name + ".", ref fields, ref hasMessage);
                break;
            case MsgPackType.Array:
                batch.AddField(name, ValueKind.Json, ToJson(ref reader));
                break;
            default:
                reader.Skip();
                break;
        }
    }

    /// <summary>An array as JSON text, the way the store keeps arrays.</summary>
    private static byte[] ToJson(ref MsgPackReader reader)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true }))
        {
            WriteJson(ref reader, writer, 0);
        }
        return output.WrittenSpan.ToArray();
    }

    private static void WriteJson(ref MsgPackReader reader, Utf8JsonWriter writer, int depth)
    {
        if (depth > 32)
        {
            throw new FormatException("value nested more than 32 deep");
        }
        switch (reader.PeekType())
        {
            case MsgPackType.String or MsgPackType.Binary:
                var bytes = reader.ReadBytes();
                if (System.Text.Unicode.Utf8.IsValid(bytes))
                {
                    writer.WriteStringValue(bytes);
                }
                else
                {
                    writer.WriteStringValue(Encoding.UTF8.GetString(bytes));
                }
                break;
            case MsgPackType.Integer:
                writer.WriteNumberValue(reader.ReadInt64());
                break;
            case MsgPackType.Float:
                var d = reader.ReadDouble();
                if (double.IsFinite(d))
                {
                    writer.WriteNumberValue(d);
                }
                else
                {
                    writer.WriteNullValue();
                }
                break;
            case MsgPackType.Bool:
                writer.WriteBooleanValue(reader.ReadBool());
                break;
            case MsgPackType.Array:
                var n = reader.ReadArrayHeader();
                writer.WriteStartArray();
                for (var i = 0; i < n; i++)
                {
                    WriteJson(ref reader, writer, depth + 1);
                }
                writer.WriteEndArray();
                break;
            case MsgPackType.Map:
                var m = reader.ReadMapHeader();
                writer.WriteStartObject();
                for (var i = 0; i < m; i++)
                {
                    var key = reader.PeekType() is MsgPackType.String or MsgPackType.Binary ? Encoding.UTF8.GetString(reader.ReadBytes()) : SkipKey(ref reader);
                    writer.WritePropertyName(key);
                    WriteJson(ref reader, writer, depth + 1);
                }
                writer.WriteEndObject();
                break;
            default:
                reader.Skip();
                writer.WriteNullValue();
                break;
        }
    }

    private static string SkipKey(ref MsgPackReader reader)
    {
        reader.Skip();
        return "?";
    }
}
