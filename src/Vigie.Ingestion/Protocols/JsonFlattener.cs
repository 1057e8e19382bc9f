using System.Text.Json;
using Vigie.Core;
using Vigie.Ingestion.Mapping;

namespace Vigie.Ingestion.Protocols;

/// <summary>
/// Adds the leaves of one JSON object to the event being built, nested objects flattened with dots
/// (<c>http.status</c>), arrays kept as JSON text, nulls dropped, and the fields a
/// <see cref="JsonFieldMap"/> names set as the time or renamed. Reuses its name buffer and its name
/// cache across documents (and requests, when reused) so that a document costs no allocation and
/// one hash lookup per leaf once its names are known.
/// </summary>
public sealed class JsonFlattener
{
    private const int MaxDepth = 64;

    private readonly int[] _prefix = new int[MaxDepth + 2];
    private byte[] _name = new byte[256];

    private const string LevelField = "level";

    // Names by their UTF-8 bytes with what the map says of them, kept across documents and, when the
    // flattener is reused, across requests: a leaf costs one hash of its name.
    private readonly Utf8NameCache _names = new();
    private JsonFieldMap? _namesMap;
    private Utf8NameCache.Entry? _levelEntry;

    /// <summary>The time the last <see cref="AddObject"/> found, if any.</summary>
    public bool TimeFound { get; private set; }

    /// <summary>Whether the last <see cref="AddObject"/> wrote a normalised <c>level</c>.</summary>
    public bool LevelFound { get; private set; }

    /// <summary>
    /// Reads the object <paramref name="reader"/> is positioned on (its <c>StartObject</c>) to its end.
    /// <paramref name="source"/> is the text the reader reads, for arrays kept verbatim.
    /// </summary>
    /// <returns>Null, or why the time field could not be read (the rest of the object is still added).</returns>
    public string? AddObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, EventBatch batch, JsonFieldMap map)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidOperationException("the reader must be on the start of an object");
        }
        if (!ReferenceEquals(map, _namesMap))
        {
            _names.Clear();
            _namesMap = map;
        }
        TimeFound = false;
        LevelFound = false;
        string? problem = null;
        var depth = 0;
        var nameLength = 0;
        _prefix[0] = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    nameLength = AppendName(ref reader, _prefix[depth], depth > 0);
                    break;
                case JsonTokenType.StartObject:
                    if (depth >= MaxDepth)
                    {
                        throw new JsonException($"objects nested deeper than {MaxDepth} levels");
                    }
                    depth++;
                    _prefix[depth] = nameLength;
                    break;
                case JsonTokenType.EndObject:
                    if (depth == 0)
                    {
                        return problem;
                    }
                    depth--;
                    break;
                default:
                    problem ??= AddLeaf(ref reader, source, batch, map, _name.AsSpan(0, nameLength));
                    break;
            }
        }
        throw new JsonException("the document ends before the object is closed");
    }

    /// <summary>Lets go of the last batch (when a request is decoded and the flattener kept for the next).</summary>
    public void Release()
    {
        _names.Forget();
        if (_name.Length > 64 * 1024)
        {
            // A huge name grew the buffer: a kept flattener does not hold on to that.
            _name = new byte[256];
        }
    }

    private string? AddLeaf(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, EventBatch batch, JsonFieldMap map, ReadOnlySpan<byte> nameUtf8)
    {
        var entry = _names.Get(nameUtf8);
        var info = entry.Tag as NameInfo ?? Classify(entry, map);
        if (reader.TokenType == JsonTokenType.Null || info.IsDropped)
        {
            reader.Skip();
            return null;
        }
        if (info.IsTime && !TimeFound && reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
        {
            if (TryReadTime(ref reader, out var ns))
            {
                batch.SetTime(ns);
                TimeFound = true;
                return null;
            }
            // Kept under its own name below, so that nothing the sender wrote is lost.
            AddValue(ref reader, source, batch, _names.IdOf(entry, batch));
            return $"{entry.Name}: not RFC 3339 nor a Unix epoch";
        }
        if (info.IsLevel && reader.TokenType is JsonTokenType.String or JsonTokenType.Number && AddLevel(ref reader, batch, info.IsLevelField))
        {
            return null;
        }
        AddValue(ref reader, source, batch, _names.IdOf(info.Target ?? entry, batch));
        return null;
    }

    /// <summary>What the map says of a name, worked out once per name.</summary>
    private NameInfo Classify(Utf8NameCache.Entry entry, JsonFieldMap map)
    {
        var name = entry.Name.AsSpan();
        var renamed = map.Rename(name);
        var info = new NameInfo(
            map.IsDropped(name),
            map.IsTime(name),
            map.IsLevel(name),
            name.SequenceEqual(LevelField),
            renamed is null ? null : _names.Get(System.Text.Encoding.UTF8.GetBytes(renamed)));
        entry.Tag = info;
        return info;
    }

    private sealed record NameInfo(bool IsDropped, bool IsTime, bool IsLevel, bool IsLevelField, Utf8NameCache.Entry? Target);

    /// <summary>
    /// Adds <c>level</c> with the normalised severity; true when the source field was <c>level</c>
    /// itself (replaced by its normalised value), false when it is still to be added under its name.
    /// </summary>
    private bool AddLevel(ref Utf8JsonReader reader, EventBatch batch, bool isLevel)
    {
        if (LevelFound)
        {
            // One level per event: a second severity field keeps its own name, a raw "level" is dropped.
            return isLevel;
        }
        if (reader.ValueIsEscaped || reader.ValueSpan.Length > 32)
        {
            return false;
        }
        var level = SeverityLevels.Normalize(reader.ValueSpan);
        if (level is null)
        {
            return false;
        }
        _levelEntry ??= _names.Get("level"u8);
        batch.AddField(_names.IdOf(_levelEntry, batch), ValueKind.String, LevelText.Utf8(level));
        LevelFound = true;
        return isLevel;
    }

    private static bool TryReadTime(ref Utf8JsonReader reader, out long ns)
    {
        if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped)
        {
            Span<byte> unescaped = stackalloc byte[64];
            if (reader.ValueSpan.Length > unescaped.Length)
            {
                ns = 0;
                return false;
            }
            var n = reader.CopyString(unescaped);
            return TimeText.TryParse(unescaped[..n], out ns);
        }
        return TimeText.TryParse(reader.ValueSpan, out ns);
    }

    /// <summary>Adds the value the reader is on under <paramref name="nameId"/>.</summary>
    public static void AddValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, EventBatch batch, int nameId)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                if (!reader.ValueIsEscaped)
                {
                    batch.AddField(nameId, ValueKind.String, reader.ValueSpan);
                    break;
                }
                // Unescaped text is never longer than its escaped form.
                var room = batch.ReserveValue(reader.ValueSpan.Length);
                batch.CommitReservedValue(nameId, ValueKind.String, reader.CopyString(room));
                break;
            case JsonTokenType.Number:
                batch.AddField(nameId, ValueKind.Number, reader.ValueSpan);
                break;
            case JsonTokenType.True:
                batch.AddField(nameId, ValueKind.Bool, "true"u8);
                break;
            case JsonTokenType.False:
                batch.AddField(nameId, ValueKind.Bool, "false"u8);
                break;
            case JsonTokenType.StartArray:
            case JsonTokenType.StartObject:
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                batch.AddField(nameId, ValueKind.Json, source[start..(int)reader.BytesConsumed]);
                break;
            default:
                reader.Skip();
                break;
        }
    }

    private int AppendName(ref Utf8JsonReader reader, int prefixLength, bool dotted)
    {
        // Unescaping never makes a name longer.
        var needed = prefixLength + 1 + reader.ValueSpan.Length;
        if (needed > _name.Length)
        {
            Array.Resize(ref _name, Math.Max(needed, _name.Length * 2));
        }
        var position = prefixLength;
        if (dotted)
        {
            _name[position++] = (byte)'.';
        }
        if (!reader.ValueIsEscaped)
        {
            reader.ValueSpan.CopyTo(_name.AsSpan(position));
            return position + reader.ValueSpan.Length;
        }
        return position + reader.CopyString(_name.AsSpan(position));
    }
}
