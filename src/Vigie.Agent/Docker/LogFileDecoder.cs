using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using Vigie.Ingestion.Protobuf;
using Vigie.Ingestion.Protocols;

namespace Vigie.Agent.Docker;

/// <summary>
/// Reads the entries of a <c>json-file</c> or <c>local</c> driver's log file from bytes fed in pieces of
/// any size, tracking each entry's offset in the file. An entry not complete yet (the driver is writing
/// it, or the read stopped in its middle) waits for more bytes.
/// </summary>
/// <remarks>
/// json-file: one JSON object per line; <c>log</c> ends with a line feed, except on the pieces of a line
/// Docker split. local (Docker's <c>logdriver.LogEntry</c> protobuf): a big-endian 4-byte length, the
/// message, the same length again; fields source (1, string), time_nano (2, varint), line (3, bytes,
/// without line feed), partial (4, bool), partial_log_metadata (5: last (1, bool), id (2), ordinal (3))
/// and attrs (6, skipped).
/// </remarks>
internal sealed class LogFileDecoder : IDisposable
{
    /// <summary>Longer entries are not Docker's (its pieces are 16 KiB, escaped at most six times in JSON).</summary>
    public const int MaxEntryBytes = 4 * 1024 * 1024;

    private const int MinimumRead = 16 * 1024;

    private const string EntryFormat = "local driver log entry";

    private readonly LogFileFormat _format;
    private byte[] _input = ArrayPool<byte>.Shared.Rent(MinimumRead * 2);
    private byte[] _unescaped = [];
    private int _start;
    private int _end;
    private long _startOffset;

    public LogFileDecoder(LogFileFormat format)
    {
        if (format == LogFileFormat.None)
        {
            throw new ArgumentException("no log file format", nameof(format));
        }
        _format = format;
    }

    /// <summary>Entries skipped because they could not be read (a line of json-file that is not an entry).</summary>
    public long Malformed { get; private set; }

    /// <summary>Why the last one was skipped.</summary>
    public string? LastError { get; private set; }

    /// <summary>The offset in the file of the first byte not consumed yet.</summary>
    public long Offset => _startOffset;

    /// <summary>Bytes read and not consumed (an entry not complete yet).</summary>
    public int Buffered => _end - _start;

    /// <summary>Starts over at <paramref name="offset"/> of a file (a new file, or a seek).</summary>
    public void Reset(long offset)
    {
        _start = 0;
        _end = 0;
        _startOffset = offset;
    }

    /// <summary>Room for more input; fill it and call <see cref="Commit"/>. Invalidates the text of the last entry read.</summary>
    public Memory<byte> GetInputBuffer()
    {
        if (_start == _end)
        {
            _start = 0;
            _end = 0;
        }
        if (_input.Length - _end < MinimumRead)
        {
            var unread = _end - _start;
            var target = unread + MinimumRead > _input.Length ? ArrayPool<byte>.Shared.Rent(Math.Max(_input.Length * 2, unread + MinimumRead)) : _input;
            _input.AsSpan(_start, unread).CopyTo(target);
            if (target != _input)
            {
                ArrayPool<byte>.Shared.Return(_input);
                _input = target;
            }
            _start = 0;
            _end = unread;
        }
        return _input.AsMemory(_end);
    }

    public void Commit(int count) => _end += count;

    /// <summary>The next complete entry, or false when more bytes are needed.</summary>
    public bool TryRead(out LogFileEntry entry)
    {
        while (true)
        {
            var available = _input.AsSpan(_start, _end - _start);
            var read = _format == LogFileFormat.JsonFile ? TryReadJson(available, out entry, out var length) : TryReadLocal(available, out entry, out length);
            if (length == 0)
            {
                return false;
            }
            _start += length;
            _startOffset += length;
            if (read)
            {
                return true;
            }
        }
    }

    /// <param name="length">Bytes consumed: 0 when the entry is not complete.</param>
    /// <returns>False for a consumed line that is no entry (counted in <see cref="Malformed"/>).</returns>
    private bool TryReadJson(ReadOnlySpan<byte> available, out LogFileEntry entry, out int length)
    {
        entry = default;
        var lineFeed = available.IndexOf((byte)'\n');
        if (lineFeed < 0)
        {
            length = 0;
            if (available.Length > MaxEntryBytes)
            {
                throw new InvalidDataException($"a line of the json-file log at offset {_startOffset} is longer than {MaxEntryBytes} bytes");
            }
            return false;
        }
        length = lineFeed + 1;
        var line = available[..lineFeed];
        if (line.IsEmpty)
        {
            return false;
        }
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Skip("not a JSON object");
            }
            Memory<byte> text = default;
            var hasText = false;
            var stream = LogStreamKind.Stdout;
            long time = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("log"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return Skip("\"log\" is not a string");
                    }
                    text = Text(ref reader);
                    hasText = true;
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    stream = reader.ValueTextEquals("stderr"u8) ? LogStreamKind.Stderr : LogStreamKind.Stdout;
                }
                else if (reader.ValueTextEquals("time"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || !DockerTimestamp.TryParse(reader.ValueSpan, out time))
                    {
                        return Skip("\"time\" is not an RFC 3339 time");
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (!hasText || time == 0)
            {
                return Skip("no \"log\" or no \"time\"");
            }
            var continues = text.Length == 0 || text.Span[^1] != (byte)'\n';
            entry = new LogFileEntry(stream, time, continues ? text : text[..^1], continues, _startOffset, _startOffset + length);
            return true;
        }
        catch (JsonException e)
        {
            return Skip(e.Message);
        }
    }

    /// <summary>The string value the reader is on, unescaped: a slice of the input when it has no escapes.</summary>
    private Memory<byte> Text(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            // TokenStartIndex is the opening quote, relative to the line, which starts at _start.
            return _input.AsMemory(_start + (int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
        }
        if (_unescaped.Length < reader.ValueSpan.Length)
        {
            if (_unescaped.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_unescaped);
            }
            _unescaped = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        }
        var written = reader.CopyString(_unescaped);
        return _unescaped.AsMemory(0, written);
    }

    private bool TryReadLocal(ReadOnlySpan<byte> available, out LogFileEntry entry, out int length)
    {
        entry = default;
        length = 0;
        if (available.Length < 4)
        {
            return false;
        }
        var size = BinaryPrimitives.ReadUInt32BigEndian(available);
        if (size > MaxEntryBytes)
        {
            throw new InvalidDataException($"an entry of the local log at offset {_startOffset} says it is {size} bytes long, more than {MaxEntryBytes}: not a local driver log");
        }
        var whole = 8 + (int)size;
        if (available.Length < whole)
        {
            return false;
        }
        if (BinaryPrimitives.ReadUInt32BigEndian(available[(whole - 4)..]) != size)
        {
            throw new InvalidDataException($"the entry of the local log at offset {_startOffset} does not end with its length: not a local driver log");
        }
        length = whole;
        var message = available.Slice(4, (int)size);
        var stream = LogStreamKind.Stdout;
        long time = 0;
        var textStart = 0;
        var textLength = 0;
        var partial = false;
        var last = false;
        try
        {
            var reader = new ProtoWireReader(message, 0, message.Length, EntryFormat);
            while (reader.TryReadTag(out var field, out var wireType))
            {
                switch ((field, wireType))
                {
                    case (2, ProtoWireReader.Varint):
                        time = (long)reader.ReadVarint();
                        break;
                    case (4, ProtoWireReader.Varint):
                        partial = reader.ReadVarint() != 0;
                        break;
                    case (1, ProtoWireReader.Len):
                        var (streamStart, streamEnd) = reader.ReadLength();
                        stream = message[streamStart..streamEnd].SequenceEqual("stderr"u8) ? LogStreamKind.Stderr : LogStreamKind.Stdout;
                        break;
                    case (3, ProtoWireReader.Len):
                        var (lineStart, lineEnd) = reader.ReadLength();
                        textStart = 4 + lineStart;
                        textLength = lineEnd - lineStart;
                        break;
                    case (5, ProtoWireReader.Len):
                        var (metadataStart, metadataEnd) = reader.ReadLength();
                        last = LastFlag(message[metadataStart..metadataEnd]);
                        break;
                    default:
                        reader.Skip(field, wireType);
                        break;
                }
            }
        }
        catch (MalformedBodyException e)
        {
            return Skip(e.Message);
        }
        entry = new LogFileEntry(stream, time, _input.AsMemory(_start + textStart, textLength), partial && !last, _startOffset, _startOffset + length);
        return true;
    }

    /// <summary>The <c>last</c> field (1) of a <c>PartialLogEntryMetadata</c>; false when it is damaged.</summary>
    private static bool LastFlag(ReadOnlySpan<byte> metadata)
    {
        try
        {
            var reader = new ProtoWireReader(metadata, 0, metadata.Length, EntryFormat);
            while (reader.TryReadTag(out var field, out var wireType))
            {
                if (field == 1 && wireType == ProtoWireReader.Varint)
                {
                    return reader.ReadVarint() != 0;
                }
                reader.Skip(field, wireType);
            }
        }
        catch (MalformedBodyException)
        {
        }
        return false;
    }

    private bool Skip(string why)
    {
        Malformed++;
        LastError = $"{why} (entry at offset {_startOffset})";
        return false;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_input);
        _input = [];
        if (_unescaped.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_unescaped);
            _unescaped = [];
        }
    }
}
