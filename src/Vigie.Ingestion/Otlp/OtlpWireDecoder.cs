using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Vigie.Core;
using Vigie.Ingestion.Mapping;
using Vigie.Ingestion.Protocols;
using Vigie.Ingestion.Protobuf;
using static Vigie.Ingestion.Protobuf.ProtoWireReader;

namespace Vigie.Ingestion.Otlp;

/// <summary>
/// Decodes a protobuf <c>ExportLogsServiceRequest</c> straight from the wire into an
/// <see cref="EventBatch"/>, with the mapping of <see cref="OtlpLogsDecoder"/>, without making message
/// objects: strings are copied from the body into the batch, names are looked up by their bytes in a
/// cache kept across requests, and a resource's attributes are decoded once for all its records.
/// </summary>
/// <remarks>
/// Fields the mapping does not use are skipped by their length, not parsed. A singular message field
/// sent twice in one message (which no encoder does) counts as its last occurrence, where a full
/// protobuf parser merges the two; a resource sent twice has its attributes concatenated, as there.
/// </remarks>
internal sealed class OtlpWireDecoder
{
    /// <summary>Deepest message nesting accepted, as Google.Protobuf's default recursion limit.</summary>
    public const int MaxDepth = 100;

    private const string Format = "OTLP protobuf";

    /// <summary>Arrays are kept as JSON text down to this depth, below which their values are null.</summary>
    private const int MaxJsonDepth = 32;

    [ThreadStatic]
    private static OtlpWireDecoder? t_decoder;

    private readonly Utf8NameCache _names = new();
    private readonly Utf8NameCache.Entry _message;
    private readonly Utf8NameCache.Entry _scope;
    private readonly Utf8NameCache.Entry _level;
    private readonly Utf8NameCache.Entry _traceId;
    private readonly Utf8NameCache.Entry _spanId;
    private readonly Utf8NameCache.Entry _eventName;

    // The attributes of the current resource, decoded once as the fields of a pending event and
    // copied into each of its records.
    private EventBatch _resource = NewResourceBatch();
    private int[] _resourceIds = new int[64];
    private (int Start, int End)[] _resourceRanges = new (int, int)[4];

    private byte[] _name = new byte[256];
    private readonly ArrayBufferWriter<byte> _json = new(256);
    private readonly Utf8JsonWriter _jsonWriter;

    private EventBatch _batch = null!;
    private ReadOnlySpan<byte> Body => _body.Span;
    private ReadOnlyMemory<byte> _body;

    private OtlpWireDecoder()
    {
        _message = _names.Get(Encoding.UTF8.GetBytes(FieldNames.Message));
        _scope = _names.Get("scope"u8);
        _level = _names.Get("level"u8);
        _traceId = _names.Get("trace_id"u8);
        _spanId = _names.Get("span_id"u8);
        _eventName = _names.Get("event_name"u8);
        _jsonWriter = new Utf8JsonWriter(_json);
    }

    /// <summary>
    /// Adds one event per log record of <paramref name="body"/> to <paramref name="batch"/>.
    /// </summary>
    /// <exception cref="MalformedBodyException">
    /// The body is not a protobuf <c>ExportLogsServiceRequest</c> (the message says at which byte); the
    /// batch then holds part of the request and must be dropped.
    /// </exception>
    public static void Decode(ReadOnlyMemory<byte> body, EventBatch batch, StreamFields streams, long nowNs, DecodeReport report)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(report);
        var decoder = t_decoder ??= new OtlpWireDecoder();
        decoder._batch = batch;
        decoder._body = body;
        try
        {
            decoder.DecodeRequest(streams, nowNs, report);
        }
        finally
        {
            decoder._batch = null!;
            decoder._body = default;
            decoder._names.Forget();
            // A resource with huge attributes grew the scratch batch: threads do not keep that.
            if (decoder._resource.MemoryBytes > 1024 * 1024)
            {
                decoder._resource = NewResourceBatch();
            }
        }
    }

    private static EventBatch NewResourceBatch() => new(1, 64, 4096);

    private void DecodeRequest(StreamFields streams, long nowNs, DecodeReport report)
    {
        var request = new ProtoWireReader(Body, 0, Body.Length, Format);
        while (request.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == Len)
            {
                var (start, end) = request.ReadLength();
                DecodeResourceLogs(start, end, streams, nowNs, report);
            }
            else
            {
                request.Skip(field, wireType);
            }
        }
    }

    private void DecodeResourceLogs(int start, int end, StreamFields streams, long nowNs, DecodeReport report)
    {
        // The resource may come after the scopes it applies to: find it first.
        var resources = 0;
        var reader = new ProtoWireReader(Body, start, end, Format);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == Len)
            {
                if (resources == _resourceRanges.Length)
                {
                    Array.Resize(ref _resourceRanges, resources * 2);
                }
                _resourceRanges[resources++] = reader.ReadLength();
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
        DecodeResource(resources, level: 2);
        reader = new ProtoWireReader(Body, start, end, Format);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 2 && wireType == Len)
            {
                var (scopeStart, scopeEnd) = reader.ReadLength();
                DecodeScopeLogs(scopeStart, scopeEnd, streams, nowNs, report);
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
    }

    private void DecodeResource(int resources, int level)
    {
        _resource.Clear();
        _resource.BeginEvent(0);
        for (var r = 0; r < resources; r++)
        {
            var (start, end) = _resourceRanges[r];
            CheckDepth(level, start);
            var reader = new ProtoWireReader(Body, start, end, Format);
            while (reader.TryReadTag(out var field, out var wireType))
            {
                if (field == 1 && wireType == Len)
                {
                    var (kvStart, kvEnd) = reader.ReadLength();
                    var (keyStart, keyEnd, valueStart, valueEnd) = ReadKeyValue(kvStart, kvEnd, level + 1);
                    var key = Body[keyStart..keyEnd];
                    var target = key.SequenceEqual("service.name"u8) ? "service"u8
                        : key.SequenceEqual("host.name"u8) ? "host"u8
                        : key;
                    if (valueStart >= 0)
                    {
                        AddAnyValue(_resource, SetName(0, target), valueStart, valueEnd, level + 2);
                    }
                }
                else
                {
                    reader.Skip(field, wireType);
                }
            }
        }
        // Ids in the request's batch of the names the resource's fields have in the scratch batch.
        if (_resource.Names.Count > _resourceIds.Length)
        {
            _resourceIds = new int[Math.Max(_resource.Names.Count, _resourceIds.Length * 2)];
        }
        for (var n = 0; n < _resource.Names.Count; n++)
        {
            _resourceIds[n] = _batch.InternName(_resource.Names[n]);
        }
    }

    private void DecodeScopeLogs(int start, int end, StreamFields streams, long nowNs, DecodeReport report)
    {
        CheckDepth(2, start);
        // The scope's name, wherever it is (the last one sent wins, as a parser would keep it).
        var nameStart = 0;
        var nameEnd = 0;
        var reader = new ProtoWireReader(Body, start, end, Format);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == Len)
            {
                var (scopeStart, scopeEnd) = reader.ReadLength();
                CheckDepth(3, scopeStart);
                var scope = new ProtoWireReader(Body, scopeStart, scopeEnd, Format);
                while (scope.TryReadTag(out var scopeField, out var scopeWireType))
                {
                    if (scopeField == 1 && scopeWireType == Len)
                    {
                        (nameStart, nameEnd) = scope.ReadLength();
                    }
                    else
                    {
                        scope.Skip(scopeField, scopeWireType);
                    }
                }
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
        reader = new ProtoWireReader(Body, start, end, Format);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 2 && wireType == Len)
            {
                var (recordStart, recordEnd) = reader.ReadLength();
                DecodeRecord(recordStart, recordEnd, nameStart, nameEnd, streams, nowNs);
                report.Accept();
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
    }

    private void DecodeRecord(int start, int end, int scopeStart, int scopeEnd, StreamFields streams, long nowNs)
    {
        CheckDepth(3, start);
        ulong time = 0, observed = 0;
        var severityNumber = 0;
        int severityStart = 0, severityEnd = 0, bodyStart = -1, bodyEnd = 0, traceStart = 0, traceEnd = 0;
        int spanStart = 0, spanEnd = 0, eventStart = 0, eventEnd = 0, firstAttribute = -1;
        var reader = new ProtoWireReader(Body, start, end, Format);
        while (true)
        {
            var tagAt = reader.Position;
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                break;
            }
            switch (field, wireType)
            {
                case (1, Fixed64): time = reader.ReadFixed64(); break;
                case (11, Fixed64): observed = reader.ReadFixed64(); break;
                case (2, Varint): severityNumber = (int)reader.ReadVarint(); break;
                case (3, Len): (severityStart, severityEnd) = reader.ReadLength(); break;
                case (5, Len): (bodyStart, bodyEnd) = reader.ReadLength(); break;
                case (9, Len): (traceStart, traceEnd) = reader.ReadLength(); break;
                case (10, Len): (spanStart, spanEnd) = reader.ReadLength(); break;
                case (12, Len): (eventStart, eventEnd) = reader.ReadLength(); break;
                case (6, Len):
                    reader.ReadLength();
                    if (firstAttribute < 0)
                    {
                        // Attributes are added after the body, in their order: a second pass from here.
                        firstAttribute = tagAt;
                    }
                    break;
                default: reader.Skip(field, wireType); break;
            }
        }
        var batch = _batch;
        if (time == 0)
        {
            time = observed;
        }
        batch.BeginEvent(time is > 0 and <= long.MaxValue ? (long)time : nowNs);
        var resourceFields = _resource.TotalFields;
        for (var f = 0; f < resourceFields; f++)
        {
            batch.AddField(_resourceIds[_resource.GetNameId(f)], _resource.GetKind(f), _resource.GetValue(f));
        }
        if (scopeEnd > scopeStart)
        {
            AddString(batch, _names.IdOf(_scope, batch), scopeStart, scopeEnd);
        }
        AddLevel(batch, severityNumber, Utf8Text(severityStart, severityEnd));
        if (bodyStart >= 0)
        {
            AddBody(bodyStart, bodyEnd);
        }
        if (firstAttribute >= 0)
        {
            var attributes = new ProtoWireReader(Body, firstAttribute, end, Format);
            while (attributes.TryReadTag(out var field, out var wireType))
            {
                if (field == 6 && wireType == Len)
                {
                    var (kvStart, kvEnd) = attributes.ReadLength();
                    var (keyStart, keyEnd, valueStart, valueEnd) = ReadKeyValue(kvStart, kvEnd, 4);
                    if (valueStart >= 0)
                    {
                        AddAnyValue(batch, SetName(0, Body[keyStart..keyEnd]), valueStart, valueEnd, 5);
                    }
                }
                else
                {
                    attributes.Skip(field, wireType);
                }
            }
        }
        if (traceEnd > traceStart)
        {
            AddHex(batch, _names.IdOf(_traceId, batch), Body[traceStart..traceEnd]);
        }
        if (spanEnd > spanStart)
        {
            AddHex(batch, _names.IdOf(_spanId, batch), Body[spanStart..spanEnd]);
        }
        if (eventEnd > eventStart)
        {
            AddString(batch, _names.IdOf(_eventName, batch), eventStart, eventEnd);
        }
        batch.EndEvent(streams);
    }

    private void AddLevel(EventBatch batch, int severityNumber, ReadOnlySpan<byte> severityText)
    {
        var level = SeverityLevels.FromOtlpSeverityNumber(severityNumber);
        if (level is null && severityText.Length > 0)
        {
            level = severityText.Length <= 256 ? NormalizeSmall(severityText) : SeverityLevels.Normalize(Encoding.UTF8.GetString(severityText));
        }
        if (level is not null)
        {
            batch.AddField(_names.IdOf(_level, batch), ValueKind.String, LevelText.Utf8(level));
        }
        else if (severityText.Length > 0)
        {
            batch.AddField(_names.IdOf(_level, batch), ValueKind.String, severityText);
        }
    }

    private static string? NormalizeSmall(ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = stackalloc char[utf8.Length];
        var n = Encoding.UTF8.GetChars(utf8, chars);
        return SeverityLevels.Normalize(chars[..n]);
    }

    private void AddBody(int start, int end)
    {
        CheckDepth(4, start);
        var kind = ReadAnyValue(start, end, out _, out var valueStart, out var valueEnd);
        switch (kind)
        {
            case AnyString:
                AddString(_batch, _names.IdOf(_message, _batch), valueStart, valueEnd);
                break;
            case AnyKvlist:
                // A structured body: its keys become fields, as a JSON log line's would.
                CheckDepth(5, valueStart);
                var list = new ProtoWireReader(Body, valueStart, valueEnd, Format);
                while (list.TryReadTag(out var field, out var wireType))
                {
                    if (field == 1 && wireType == Len)
                    {
                        var (kvStart, kvEnd) = list.ReadLength();
                        var (keyStart, keyEnd, kvValueStart, kvValueEnd) = ReadKeyValue(kvStart, kvEnd, 6);
                        var key = Body[keyStart..keyEnd];
                        if (kvValueStart >= 0)
                        {
                            AddAnyValue(_batch, SetName(0, key.SequenceEqual("message"u8) ? _message.Utf8 : key), kvValueStart, kvValueEnd, 7);
                        }
                    }
                    else
                    {
                        list.Skip(field, wireType);
                    }
                }
                break;
            case AnyNone:
                break;
            default:
                AddAnyValue(_batch, SetName(0, _message.Utf8), start, end, 4);
                break;
        }
    }

    private const int AnyNone = 0;
    private const int AnyString = 1;
    private const int AnyBool = 2;
    private const int AnyInt = 3;
    private const int AnyDouble = 4;
    private const int AnyArray = 5;
    private const int AnyKvlist = 6;
    private const int AnyBytes = 7;

    /// <summary>The case of an <c>AnyValue</c> (the last one sent) and its value: scalar bits or [start, end).</summary>
    private int ReadAnyValue(int start, int end, out ulong scalar, out int valueStart, out int valueEnd)
    {
        var kind = AnyNone;
        scalar = 0;
        valueStart = valueEnd = 0;
        var reader = new ProtoWireReader(Body, start, end, Format);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (AnyString or AnyArray or AnyKvlist or AnyBytes, Len):
                    (valueStart, valueEnd) = reader.ReadLength();
                    kind = field;
                    break;
                case (AnyBool or AnyInt, Varint):
                    scalar = reader.ReadVarint();
                    kind = field;
                    break;
                case (AnyDouble, Fixed64):
                    scalar = reader.ReadFixed64();
                    kind = field;
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
        return kind;
    }

    /// <summary>A <c>KeyValue</c>'s key and value bounds; value start -1 when it has none.</summary>
    private (int KeyStart, int KeyEnd, int ValueStart, int ValueEnd) ReadKeyValue(int start, int end, int level)
    {
        CheckDepth(level, start);
        int keyStart = start, keyEnd = start, valueStart = -1, valueEnd = 0;
        var reader = new ProtoWireReader(Body, start, end, Format);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, Len): (keyStart, keyEnd) = reader.ReadLength(); break;
                case (2, Len): (valueStart, valueEnd) = reader.ReadLength(); break;
                default: reader.Skip(field, wireType); break;
            }
        }
        Utf8Text(keyStart, keyEnd);
        return (keyStart, keyEnd, valueStart, valueEnd);
    }

    /// <summary>Puts <paramref name="part"/> at <paramref name="at"/> in the name buffer; returns the name's length.</summary>
    private int SetName(int at, ReadOnlySpan<byte> part)
    {
        if (at + part.Length > _name.Length)
        {
            Array.Resize(ref _name, Math.Max(at + part.Length, _name.Length * 2));
        }
        part.CopyTo(_name.AsSpan(at));
        return at + part.Length;
    }

    private int NameId(EventBatch target, int nameLength)
    {
        var name = _name.AsSpan(0, nameLength);
        // The resource's scratch batch interns by string: interleaving it with the request's batch
        // in the cache would make every entry re-intern.
        return ReferenceEquals(target, _resource) ? target.InternName(_names.Get(name).Name) : _names.Intern(target, name);
    }

    /// <summary>Adds an <c>AnyValue</c> under the name in the buffer, kvlists flattened with dots.</summary>
    private void AddAnyValue(EventBatch target, int nameLength, int start, int end, int level)
    {
        if (nameLength == 0)
        {
            return;
        }
        CheckDepth(level, start);
        var kind = ReadAnyValue(start, end, out var scalar, out var valueStart, out var valueEnd);
        switch (kind)
        {
            case AnyString:
                AddString(target, NameId(target, nameLength), valueStart, valueEnd);
                break;
            case AnyBool:
                target.AddField(NameId(target, nameLength), ValueKind.Bool, scalar != 0 ? "true"u8 : "false"u8);
                break;
            case AnyInt:
            {
                var room = target.ReserveValue(20);
                ((long)scalar).TryFormat(room, out var written, default, CultureInfo.InvariantCulture);
                target.CommitReservedValue(NameId(target, nameLength), ValueKind.Number, written);
                break;
            }
            case AnyDouble:
            {
                var d = BitConverter.UInt64BitsToDouble(scalar);
                var room = target.ReserveValue(32);
                d.TryFormat(room, out var written, "R", CultureInfo.InvariantCulture);
                target.CommitReservedValue(NameId(target, nameLength), double.IsFinite(d) ? ValueKind.Number : ValueKind.String, written);
                break;
            }
            case AnyBytes:
            {
                var bytes = Body[valueStart..valueEnd];
                var room = target.ReserveValue(Base64.GetMaxEncodedToUtf8Length(bytes.Length));
                Base64.EncodeToUtf8(bytes, room, out _, out var written);
                target.CommitReservedValue(NameId(target, nameLength), ValueKind.String, written);
                break;
            }
            case AnyArray:
                _json.ResetWrittenCount();
                _jsonWriter.Reset(_json);
                WriteJson(start, end, present: true, depth: 0, level);
                _jsonWriter.Flush();
                target.AddField(NameId(target, nameLength), ValueKind.Json, _json.WrittenSpan);
                break;
            case AnyKvlist:
                CheckDepth(level + 1, valueStart);
                var list = new ProtoWireReader(Body, valueStart, valueEnd, Format);
                while (list.TryReadTag(out var field, out var wireType))
                {
                    if (field == 1 && wireType == Len)
                    {
                        var (kvStart, kvEnd) = list.ReadLength();
                        var (keyStart, keyEnd, kvValueStart, kvValueEnd) = ReadKeyValue(kvStart, kvEnd, level + 2);
                        if (kvValueStart >= 0)
                        {
                            var dotted = SetName(nameLength, "."u8);
                            AddAnyValue(target, SetName(dotted, Body[keyStart..keyEnd]), kvValueStart, kvValueEnd, level + 3);
                        }
                    }
                    else
                    {
                        list.Skip(field, wireType);
                    }
                }
                break;
            default:
                break;
        }
    }

    private void WriteJson(int start, int end, bool present, int depth, int level)
    {
        var writer = _jsonWriter;
        if (!present || depth > MaxJsonDepth)
        {
            writer.WriteNullValue();
            return;
        }
        CheckDepth(level, start);
        var kind = ReadAnyValue(start, end, out var scalar, out var valueStart, out var valueEnd);
        switch (kind)
        {
            case AnyString:
                writer.WriteStringValue(Utf8Text(valueStart, valueEnd));
                break;
            case AnyBool:
                writer.WriteBooleanValue(scalar != 0);
                break;
            case AnyInt:
                writer.WriteNumberValue((long)scalar);
                break;
            case AnyDouble when double.IsFinite(BitConverter.UInt64BitsToDouble(scalar)):
                writer.WriteNumberValue(BitConverter.UInt64BitsToDouble(scalar));
                break;
            case AnyBytes:
                // As a string (escaped like one), not WriteBase64StringValue, which leaves '+' unescaped.
                writer.WriteStringValue(Convert.ToBase64String(Body[valueStart..valueEnd]));
                break;
            case AnyArray:
            {
                CheckDepth(level + 1, valueStart);
                writer.WriteStartArray();
                var items = new ProtoWireReader(Body, valueStart, valueEnd, Format);
                while (items.TryReadTag(out var field, out var wireType))
                {
                    if (field == 1 && wireType == Len)
                    {
                        var (itemStart, itemEnd) = items.ReadLength();
                        WriteJson(itemStart, itemEnd, present: true, depth + 1, level + 2);
                    }
                    else
                    {
                        items.Skip(field, wireType);
                    }
                }
                writer.WriteEndArray();
                break;
            }
            case AnyKvlist:
            {
                CheckDepth(level + 1, valueStart);
                writer.WriteStartObject();
                var list = new ProtoWireReader(Body, valueStart, valueEnd, Format);
                while (list.TryReadTag(out var field, out var wireType))
                {
                    if (field == 1 && wireType == Len)
                    {
                        var (kvStart, kvEnd) = list.ReadLength();
                        var (keyStart, keyEnd, valueStart2, valueEnd2) = ReadKeyValue(kvStart, kvEnd, level + 2);
                        writer.WritePropertyName(Body[keyStart..keyEnd]);
                        WriteJson(valueStart2, valueEnd2, present: valueStart2 >= 0, depth + 1, level + 3);
                    }
                    else
                    {
                        list.Skip(field, wireType);
                    }
                }
                writer.WriteEndObject();
                break;
            }
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private void AddString(EventBatch batch, int nameId, int start, int end)
    {
        batch.AddField(nameId, ValueKind.String, Utf8Text(start, end));
    }

    /// <summary>The text of a string field; protobuf strings are UTF-8, as Google.Protobuf checks.</summary>
    private ReadOnlySpan<byte> Utf8Text(int start, int end)
    {
        var text = Body[start..end];
        if (!Utf8.IsValid(text))
        {
            throw ProtoWireReader.Malformed(Format, start, "a string that is not valid UTF-8");
        }
        return text;
    }

    private static void AddHex(EventBatch batch, int nameId, ReadOnlySpan<byte> id)
    {
        var room = batch.ReserveValue(id.Length * 2);
        for (var i = 0; i < id.Length; i++)
        {
            room[2 * i] = (byte)"0123456789abcdef"[id[i] >> 4];
            room[2 * i + 1] = (byte)"0123456789abcdef"[id[i] & 0xF];
        }
        batch.CommitReservedValue(nameId, ValueKind.String, id.Length * 2);
    }

    private static void CheckDepth(int level, int position)
    {
        if (level > MaxDepth)
        {
            throw ProtoWireReader.Malformed(Format, position, $"messages nested deeper than {MaxDepth} levels");
        }
    }
}
