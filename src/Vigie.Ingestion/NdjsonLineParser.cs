using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Vigie.Core;
using Vigie.Ingestion.Protocols;

namespace Vigie.Ingestion;

/// <summary>
/// Turns one NDJSON line into one event of an <see cref="EventBatch"/>, flattening nested objects into
/// dotted names. Reuses its buffers across lines so that a line costs no allocation once the names
/// it uses are interned in the batch; only a rejected line allocates (its error text).
/// </summary>
/// <remarks>
/// Duplicate keys: the first occurrence wins and later ones are ignored, because the batch is
/// append-only and a last-wins rule would need to take back a value already written.
/// </remarks>
internal sealed partial class NdjsonLineParser : IDisposable
{
    private const int MaxDepth = 64;
    private const int MaxTimeChars = 64;
    private const int NoCandidate = -1;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };

    private readonly StreamFields _streams;
    private readonly long _nowNs;
    private readonly bool _fastPath;
    private readonly int[] _prefixLengths = new int[MaxDepth + 2];
    private readonly MessageCandidate[] _candidates = new MessageCandidate[4];

    private const int MaxCachedFields = 64;
    private readonly byte[]?[] _cacheNames = new byte[MaxCachedFields][];
    private readonly int[] _cacheLengths = new int[MaxCachedFields];
    private readonly int[] _cacheIds = new int[MaxCachedFields];
    private EventBatch? _cacheBatch;
    private int _cacheEpoch;
    // The id of _msg in the cached batch, -1 until a line needs it: lines whose message comes under
    // another name (message, msg, log) would otherwise look it up in the batch's dictionary each.
    private int _messageNameId = -1;
    private int _cacheCount;
    private int _fieldPosition;
    // Names seen in the current batch, by their UTF-8 bytes: an open-addressing table, so that a
    // name missed by the position cache (lines of several shapes interleaved) costs a hash and a
    // byte comparison, not a UTF-16 conversion and a string dictionary lookup.
    private const int NameTableSize = 512;
    private readonly byte[]?[] _tableNames = new byte[NameTableSize][];
    private readonly int[] _tableIds = new int[NameTableSize];
    private int _tableCount;
    private byte[] _name = ArrayPool<byte>.Shared.Rent(256);
    private char[] _chars = ArrayPool<char>.Shared.Rent(256);

    // Per field name id, the stamp of the last line that had it: spots duplicate keys in O(1). Ids are
    // per batch, but stamps only grow, so a stale entry from a previous batch never matches.
    private int[] _seen = new int[256];
    private int _stamp;

    /// <param name="streams">The request's stream fields.</param>
    /// <param name="nowNs">The time given to events without <c>_time</c>.</param>
    /// <param name="fastPath">
    /// Whether lines are read by the byte scanner first (see NdjsonLineParser.Fast.cs); false reads every
    /// line with the reference path alone, which tests compare the scanner against.
    /// </param>
    public NdjsonLineParser(StreamFields streams, long nowNs, bool fastPath = true)
    {
        _streams = streams;
        _nowNs = nowNs;
        _fastPath = fastPath;
    }

    /// <summary>Adds the event <paramref name="line"/> holds; on failure adds nothing and returns why.</summary>
    /// <param name="line">The line, without its line ending.</param>
    /// <param name="batch">The batch to add the event to.</param>
    /// <param name="ascii">Whether the line is known to be all ASCII (then valid UTF-8 without checking it again).</param>
    public string? TryAddEvent(ReadOnlySpan<byte> line, EventBatch batch, bool ascii = false)
    {
        if (!ascii && !Utf8.IsValid(line))
        {
            return $"invalid UTF-8 at byte {InvalidUtf8Offset(line)}";
        }
        EnsureCachesOf(batch);
        _stamp++;
        _fieldPosition = 0;
        batch.BeginEvent(_nowNs);
        if (_fastPath)
        {
            if (TryAddFast(line, batch))
            {
                batch.EndEvent(_streams);
                return null;
            }
            // Not a line the scanner takes: the reference path reads it again from scratch.
            batch.CancelEvent();
            _stamp++;
            _fieldPosition = 0;
            batch.BeginEvent(_nowNs);
        }
        // The reference path fills the message candidates too: the scanner must clear them before its next line.
        _candidatesSet = true;
        try
        {
            var error = ReadObject(line, batch);
            if (error is not null)
            {
                batch.CancelEvent();
                return error;
            }
            batch.EndEvent(_streams);
            return null;
        }
        catch (JsonException e)
        {
            batch.CancelEvent();
            var at = e.BytePositionInLine ?? 0;
            // The reader's wording for a truncated line blames the last token; the cause is the cut.
            var reason = at >= line.Length ? "the line ends before the object is closed" : Reason(e.Message);
            return $"invalid JSON at byte {at}: {reason}";
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader reports escapes that unescape to invalid text (lone surrogates) this way.
            batch.CancelEvent();
            return $"invalid JSON string escape: {Reason(e.Message)}";
        }
    }

    private string? ReadObject(ReadOnlySpan<byte> line, EventBatch batch)
    {
        var reader = new Utf8JsonReader(line, isFinalBlock: true, new JsonReaderState(ReaderOptions));
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return $"not a JSON object: the line holds {Describe(reader.TokenType)}";
        }
        Array.Fill(_candidates, default);
        var depth = 0;
        var nameLength = 0;
        var hasTime = false;
        var messageWritten = false;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    nameLength = AppendName(ref reader, _prefixLengths[depth], depth > 0);
                    break;
                case JsonTokenType.StartObject:
                    var parent = _name.AsSpan(0, nameLength);
                    if (parent.SequenceEqual("_time"u8))
                    {
                        return "invalid _time: an object; expected RFC 3339 or a Unix epoch";
                    }
                    if (parent.SequenceEqual("_stream"u8))
                    {
                        reader.Skip();
                        break;
                    }
                    depth++;
                    _prefixLengths[depth] = nameLength;
                    break;
                case JsonTokenType.EndObject:
                    depth--;
                    break;
                default:
                    var error = AddValue(ref reader, line, batch, _name.AsSpan(0, nameLength), ref hasTime, ref messageWritten);
                    if (error is not null)
                    {
                        return error;
                    }
                    break;
            }
        }
        AddMessageCandidates(line, batch, messageWritten);
        return null;
    }

    private string? AddValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, EventBatch batch, ReadOnlySpan<byte> name, ref bool hasTime, ref bool messageWritten)
    {
        if (name.SequenceEqual("_time"u8))
        {
            if (hasTime || reader.TokenType == JsonTokenType.Null)
            {
                reader.Skip();
                return null;
            }
            hasTime = true;
            return SetTime(ref reader, batch);
        }
        if (reader.TokenType == JsonTokenType.Null || name.SequenceEqual("_stream"u8))
        {
            // A client cannot set _stream: it is computed from the stream fields.
            reader.Skip();
            return null;
        }
        var nameId = Intern(batch, name);
        if (!MarkSeen(nameId))
        {
            reader.Skip();
            return null;
        }
        var rank = MessageRank(name);
        if (rank == 0)
        {
            JsonFlattener.AddValue(ref reader, line, batch, nameId);
            messageWritten = true;
            return null;
        }
        if (rank > 0)
        {
            _candidates[rank] = Defer(ref reader, nameId);
            return null;
        }
        JsonFlattener.AddValue(ref reader, line, batch, nameId);
        return null;
    }

    /// <summary>
    /// Remembers where a lower-ranked message field's token lies in the line: whether it becomes
    /// <c>_msg</c> or stays under its own name is known only at the end of the object.
    /// </summary>
    private static MessageCandidate Defer(ref Utf8JsonReader reader, int nameId)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return new MessageCandidate(nameId, start, (int)reader.BytesConsumed - start);
    }

    private void AddMessageCandidates(ReadOnlySpan<byte> line, EventBatch batch, bool messageWritten)
    {
        for (var rank = 1; rank < _candidates.Length; rank++)
        {
            var candidate = _candidates[rank];
            if (candidate.Length == 0)
            {
                continue;
            }
            var nameId = candidate.NameId;
            if (!messageWritten)
            {
                nameId = batch.InternName(FieldNames.Message);
                messageWritten = true;
            }
            var reader = new Utf8JsonReader(line.Slice(candidate.Start, candidate.Length), isFinalBlock: true, new JsonReaderState(ReaderOptions));
            reader.Read();
            JsonFlattener.AddValue(ref reader, line.Slice(candidate.Start, candidate.Length), batch, nameId);
        }
    }

    private string? SetTime(ref Utf8JsonReader reader, EventBatch batch)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Number))
        {
            var what = Describe(reader.TokenType);
            reader.Skip();
            return $"invalid _time: {what}; expected RFC 3339 or a Unix epoch";
        }
        var raw = reader.ValueSpan;
        Span<char> text = stackalloc char[MaxTimeChars];
        var length = 0;
        var fits = raw.Length <= MaxTimeChars;
        if (fits)
        {
            length = reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped
                ? reader.CopyString(text)
                : Encoding.UTF8.GetChars(raw, text);
        }
        if (fits && (Timestamps.TryParseRfc3339(text[..length], out var ns) || TryParseEpoch(text[..length], out ns)))
        {
            batch.SetTime(ns);
            return null;
        }
        var shown = Encoding.UTF8.GetString(raw.Length > MaxTimeChars ? raw[..MaxTimeChars] : raw);
        return $"invalid _time \"{shown}{(fits ? "" : "...")}\": expected RFC 3339 or a Unix epoch in s, ms, µs or ns";
    }

    /// <summary>
    /// Guards <see cref="Timestamps.TryParseEpoch"/>, which throws on text without '.', 'e' or 'E' that is
    /// not a 64-bit integer (e.g. an ill-formed date); such text is simply not an epoch.
    /// </summary>
    private static bool TryParseEpoch(ReadOnlySpan<char> text, out long ns)
    {
        if (text.IndexOfAny('.', 'e', 'E') < 0 && !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            ns = 0;
            return false;
        }
        return Timestamps.TryParseEpoch(text, out ns);
    }

    private int AppendName(ref Utf8JsonReader reader, int prefixLength, bool dotted)
    {
        var raw = reader.ValueSpan;
        var needed = prefixLength + 1 + raw.Length;
        if (needed > _name.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _name.Length * 2));
            _name.AsSpan(0, prefixLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_name);
            _name = bigger;
        }
        var position = prefixLength;
        if (dotted)
        {
            _name[position++] = (byte)'.';
        }
        if (reader.ValueIsEscaped)
        {
            return position + reader.CopyString(_name.AsSpan(position));
        }
        raw.CopyTo(_name.AsSpan(position));
        return position + raw.Length;
    }

    /// <summary>
    /// The name id of <paramref name="name"/> in <paramref name="batch"/>. Lines of one source repeat
    /// their keys in the same order, so the id of the previous line's key at the same position is
    /// checked first (a byte comparison) before the batch's dictionary. The caches belong to the
    /// batch <see cref="EnsureCachesOf"/> was last given.
    /// </summary>
    private int Intern(EventBatch batch, ReadOnlySpan<byte> name)
    {
        var slot = _fieldPosition++;
        if (slot < _cacheCount && name.SequenceEqual(_cacheNames[slot].AsSpan(0, _cacheLengths[slot])))
        {
            return _cacheIds[slot];
        }
        var id = InternByBytes(batch, name);
        if (slot < MaxCachedFields)
        {
            if (_cacheNames[slot] is not { } bytes || bytes.Length < name.Length)
            {
                _cacheNames[slot] = bytes = new byte[Math.Max(32, name.Length)];
            }
            name.CopyTo(bytes);
            _cacheLengths[slot] = name.Length;
            _cacheIds[slot] = id;
            _cacheCount = Math.Max(_cacheCount, slot + 1);
        }
        return id;
    }

    private int InternByBytes(EventBatch batch, ReadOnlySpan<byte> name)
    {
        const int Mask = NameTableSize - 1;
        var at = (int)NameHash(name) & Mask;
        while (_tableNames[at] is { } known)
        {
            if (name.SequenceEqual(known))
            {
                return _tableIds[at];
            }
            at = (at + 1) & Mask;
        }
        var id = InternSlow(batch, name);
        // Half full at most, so that probes stay short; past that, names take the slow path.
        if (_tableCount < NameTableSize / 2)
        {
            _tableNames[at] = name.ToArray();
            _tableIds[at] = id;
            _tableCount++;
        }
        return id;
    }

    /// <summary>
    /// A hash of a name's bytes for the name table: its length, first and last eight bytes, mixed.
    /// Names are short and few per batch; a general hash's call and set-up cost more than its quality
    /// buys here (a collision costs one more probe and comparison).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong NameHash(ReadOnlySpan<byte> name)
    {
        const ulong K = 0x9E3779B97F4A7C15;
        var h = (ulong)name.Length * K;
        if (name.Length >= sizeof(ulong))
        {
            h ^= BinaryPrimitives.ReadUInt64LittleEndian(name);
            h *= K;
            h ^= BinaryPrimitives.ReadUInt64LittleEndian(name[^sizeof(ulong)..]);
        }
        else
        {
            ulong word = 0;
            for (var b = 0; b < name.Length; b++)
            {
                word |= (ulong)name[b] << (8 * b);
            }
            h ^= word;
        }
        h *= K;
        return h ^ (h >> 32);
    }

    private int InternSlow(EventBatch batch, ReadOnlySpan<byte> name)
    {
        // A UTF-8 name never has more UTF-16 units than bytes.
        if (name.Length > _chars.Length)
        {
            ArrayPool<char>.Shared.Return(_chars);
            _chars = ArrayPool<char>.Shared.Rent(Math.Max(name.Length, _chars.Length * 2));
        }
        var length = Encoding.UTF8.GetChars(name, _chars);
        return batch.InternName(_chars.AsSpan(0, length));
    }

    /// <summary>Records that this line has the name; false when it already had it (a duplicate key).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool MarkSeen(int nameId)
    {
        if (nameId >= _seen.Length)
        {
            Array.Resize(ref _seen, Math.Max(nameId + 1, _seen.Length * 2));
        }
        if (_seen[nameId] == _stamp)
        {
            return false;
        }
        _seen[nameId] = _stamp;
        return true;
    }

    /// <summary>0 for <c>_msg</c>, then the other names shippers use for the message, by preference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int MessageRank(ReadOnlySpan<byte> name)
    {
        if (name.Length is not (3 or 4 or 7))
        {
            return NoCandidate;
        }
        if (name.SequenceEqual("_msg"u8))
        {
            return 0;
        }
        if (name.SequenceEqual("message"u8))
        {
            return 1;
        }
        if (name.SequenceEqual("msg"u8))
        {
            return 2;
        }
        return name.SequenceEqual("log"u8) ? 3 : NoCandidate;
    }

    private static int InvalidUtf8Offset(ReadOnlySpan<byte> line)
    {
        var offset = 0;
        while (offset < line.Length)
        {
            if (Rune.DecodeFromUtf8(line[offset..], out _, out var consumed) != OperationStatus.Done)
            {
                return offset;
            }
            offset += consumed;
        }
        return offset;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        _ => "no value",
    };

    /// <summary>The reader's message without its own position suffix, which is wrong for us (one line per document).</summary>
    private static string Reason(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var reason = (cut >= 0 ? message[..cut] : message).TrimEnd();
        return reason.EndsWith('.') ? reason[..^1] : reason;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_name);
        ArrayPool<char>.Shared.Return(_chars);
        _name = [];
        _chars = [];
    }

    private readonly record struct MessageCandidate(int NameId, int Start, int Length);
}
