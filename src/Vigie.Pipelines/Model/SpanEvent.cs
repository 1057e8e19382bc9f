using System.Text;
using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Pipelines.Model;

/// <summary>
/// One event while the fast path of the pipelines works on it: values stay UTF-8 bytes in one buffer
/// the event owns, fields point into it. It is reused for every event of a batch, so that parsing an
/// access line or a JSON message costs no object per field.
/// </summary>
/// <remarks>
/// It follows <see cref="PipelineEvent"/>'s rules to the letter (a set field keeps its position, a new
/// one goes last, <c>_time</c> is parsed and <c>_stream</c> ignored), so that an event gives the same
/// stored result whichever path ran it. The buffer only grows while an event is worked on: a field
/// may point at bytes of another (a capture inside <c>_msg</c>) without a copy.
/// </remarks>
internal sealed class SpanEvent : IRow
{
    private string[] _names = new string[32];
    private ValueKind[] _kinds = new ValueKind[32];
    private int[] _offsets = new int[32];
    private int[] _lengths = new int[32];
    private bool[] _live = new bool[32];
    private int _count;
    private byte[] _bytes = new byte[4096];
    private int _byteLength;
    private char[] _chars = new char[1024];

    /// <summary>The bit of <see cref="NameBit"/> is set for each name added (removals leave it: it only says where not to look).</summary>
    private ulong _nameBits;
    private readonly Dictionary<string, string> _nameCache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _nameLookup;

    public SpanEvent()
    {
        _nameLookup = _nameCache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public long TimeNs { get; set; }

    long? IRow.TimeNs => TimeNs;

    public StreamKey Stream { get; private set; } = StreamKey.Empty;

    public bool Dropped { get; set; }

    /// <summary>
    /// Whether the event differs from the batch's as it came: a field set, removed or renamed, its time
    /// changed, dropped, or a value repaired to valid UTF-8. An unchanged event is stored as it came,
    /// and a batch of only such events is stored without a copy.
    /// </summary>
    public bool Changed => _changed || Dropped || TimeNs != _timeAsCame;

    private bool _changed;
    private long _timeAsCame;

    /// <summary>Becomes event <paramref name="index"/> of <paramref name="batch"/> (its bytes are copied once).</summary>
    public void Reset(EventBatch batch, int index)
    {
        _count = 0;
        _nameBits = 0;
        _byteLength = 0;
        Dropped = false;
        _changed = false;
        TimeNs = _timeAsCame = batch.GetTime(index);
        Stream = batch.GetStream(index);
        var (start, end) = batch.GetFieldRange(index);
        for (var f = start; f < end; f++)
        {
            var value = batch.GetValue(f);
            if (!System.Text.Unicode.Utf8.IsValid(value))
            {
                // As the general path stores it (through a string): each invalid sequence becomes U+FFFD.
                // Checking is cheap (vectorised); repairing, rare, may allocate.
                var text = Encoding.UTF8.GetString(value);
                _changed = true;
                EnsureBytes(Encoding.UTF8.GetMaxByteCount(text.Length));
                var n = Encoding.UTF8.GetBytes(text, _bytes.AsSpan(_byteLength));
                AddSlot(batch.GetName(f), batch.GetKind(f), _byteLength, n);
                _byteLength += n;
                continue;
            }
            var offset = Append(value);
            AddSlot(batch.GetName(f), batch.GetKind(f), offset, value.Length);
        }
    }

    /// <summary>
    /// A character buffer for a processor to widen a value into while it works on it (not kept across
    /// processors): reused, unlike a stackalloc, which would be cleared on every call.
    /// </summary>
    public Span<char> Chars(int length)
    {
        if (_chars.Length < length)
        {
            _chars = new char[Math.Max(length, _chars.Length * 2)];
        }
        return _chars.AsSpan(0, length);
    }

    /// <summary>Index of the live field <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name)
    {
        // Most look-ups are for a name the event does not have yet (a capture being added): the mask of
        // the lengths of its names answers most of them without a comparison.
        if ((_nameBits & NameBit(name)) == 0)
        {
            return -1;
        }
        for (var i = 0; i < _count; i++)
        {
            if (_live[i] && string.Equals(_names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    public ReadOnlySpan<byte> Value(int field) => _bytes.AsSpan(_offsets[field], _lengths[field]);

    public ValueKind Kind(int field) => _kinds[field];

    /// <summary>Where the value of <paramref name="field"/> starts in the buffer, for <see cref="SetSlice"/>.</summary>
    public int Offset(int field) => _offsets[field];

    /// <summary>The text of a field, as <see cref="PipelineEvent.GetText"/> gives it.</summary>
    public string? GetText(string name)
    {
        if (name is FieldNames.Time or FieldNames.Stream)
        {
            return Get(name)?.Text;
        }
        var i = IndexOf(name);
        return i < 0 ? null : Encoding.UTF8.GetString(Value(i));
    }

    /// <summary>Sets a field to a copy of <paramref name="value"/> (which may lie in this event's own buffer).</summary>
    public void Set(string name, ValueKind kind, ReadOnlySpan<byte> value)
    {
        if (IsSpecial(name, value))
        {
            return;
        }
        var offset = Append(value);
        Place(name, kind, offset, value.Length);
    }

    public void Set(string name, FieldValue value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Text.Length);
        EnsureBytes(max);
        var n = Encoding.UTF8.GetBytes(value.Text, _bytes.AsSpan(_byteLength));
        var offset = _byteLength;
        _byteLength += n;
        if (IsSpecial(name, _bytes.AsSpan(offset, n)))
        {
            return;
        }
        Place(name, value.Kind, offset, n);
    }

    /// <summary>Sets a field to bytes already in the buffer (a part of another field's value), without copying them.</summary>
    public void SetSlice(string name, ValueKind kind, int offset, int length)
    {
        if (IsSpecial(name, _bytes.AsSpan(offset, length)))
        {
            return;
        }
        Place(name, kind, offset, length);
    }

    /// <summary>Room for a value written in place; <see cref="CommitValue"/> then files it.</summary>
    public Span<byte> Reserve(int maxBytes)
    {
        EnsureBytes(maxBytes);
        return _bytes.AsSpan(_byteLength, maxBytes);
    }

    public void CommitValue(string name, ValueKind kind, int length)
    {
        var offset = _byteLength;
        _byteLength += length;
        if (IsSpecial(name, _bytes.AsSpan(offset, length)))
        {
            return;
        }
        Place(name, kind, offset, length);
    }

    public bool Remove(string name)
    {
        var i = IndexOf(name);
        if (i < 0)
        {
            return false;
        }
        _live[i] = false;
        _changed = true;
        return true;
    }

    /// <summary>As <see cref="PipelineEvent.Rename"/>: the value leaves its place and is set under the new name.</summary>
    public bool Rename(string from, string to)
    {
        var i = IndexOf(from);
        if (i < 0)
        {
            return false;
        }
        _live[i] = false;
        _changed = true;
        if (IsSpecial(to, Value(i)))
        {
            return true;
        }
        Place(to, _kinds[i], _offsets[i], _lengths[i]);
        return true;
    }

    /// <summary>A name as a string, the same instance for the same characters within this event's life (JSON keys).</summary>
    public string Name(ReadOnlySpan<char> chars)
    {
        if (!_nameLookup.TryGetValue(chars, out var name))
        {
            if (_nameCache.Count > 4096)
            {
                // Keys that change from event to event (ids used as keys) must not grow the cache without end.
                _nameCache.Clear();
            }
            name = chars.ToString();
            _nameCache.Add(name, name);
        }
        return name;
    }

    /// <summary>Appends the event to the output batch of <paramref name="names"/>, which saves hashing each name.</summary>
    public void WriteTo(OutputNames names)
    {
        var output = names.Output;
        output.BeginEvent(TimeNs);
        for (var i = 0; i < _count; i++)
        {
            if (_live[i])
            {
                output.AddField(names.IdOf(_names[i]), _kinds[i], Value(i));
            }
        }
        output.EndEvent(Stream);
    }

    /// <summary>The event as the slow path's object, for tests.</summary>
    public PipelineEvent ToPipelineEvent() => new(TimeNs, Stream, Fields()) { Dropped = Dropped };

    public IEnumerable<KeyValuePair<string, FieldValue>> Columns
    {
        get
        {
            yield return new(FieldNames.Time, FieldValue.Str(Timestamps.FormatRfc3339(TimeNs)));
            foreach (var pair in Fields())
            {
                yield return pair;
            }
        }
    }

    public FieldValue? Get(string name)
    {
        if (name == FieldNames.Time)
        {
            return FieldValue.Str(Timestamps.FormatRfc3339(TimeNs));
        }
        if (name == FieldNames.Stream)
        {
            return FieldValue.Str(Stream.Text);
        }
        var i = IndexOf(name);
        return i < 0 ? null : new FieldValue(_kinds[i], Encoding.UTF8.GetString(Value(i)));
    }

    private List<KeyValuePair<string, FieldValue>> Fields()
    {
        var fields = new List<KeyValuePair<string, FieldValue>>(_count);
        for (var i = 0; i < _count; i++)
        {
            if (_live[i])
            {
                fields.Add(new(_names[i], new FieldValue(_kinds[i], Encoding.UTF8.GetString(Value(i)))));
            }
        }
        return fields;
    }

    /// <summary><c>_time</c> is parsed into the event's time, <c>_stream</c> cannot be set: as <see cref="PipelineEvent.Set(string, FieldValue)"/>.</summary>
    private bool IsSpecial(string name, ReadOnlySpan<byte> value)
    {
        if (name == FieldNames.Time)
        {
            if (Timestamps.TryParseRfc3339(value, out var ns))
            {
                TimeNs = ns;
            }
            return true;
        }
        return name == FieldNames.Stream;
    }

    /// <summary>
    /// One of 64 bits for a name, from its length and its first and last characters: names of the same
    /// length are common (<c>path</c>, <c>user</c>, <c>host</c>, <c>_msg</c>), these three rarely all agree.
    /// </summary>
    private static ulong NameBit(string name) =>
        name.Length == 0 ? 1UL : 1UL << (int)((uint)(name.Length * 31 + name[0] * 7 + name[^1]) & 63);

    private void Place(string name, ValueKind kind, int offset, int length)
    {
        _changed = true;
        var i = IndexOf(name);
        if (i >= 0)
        {
            _kinds[i] = kind;
            _offsets[i] = offset;
            _lengths[i] = length;
            return;
        }
        AddSlot(name, kind, offset, length);
    }

    private void AddSlot(string name, ValueKind kind, int offset, int length)
    {
        if (_count == _names.Length)
        {
            var size = _count * 2;
            Array.Resize(ref _names, size);
            Array.Resize(ref _kinds, size);
            Array.Resize(ref _offsets, size);
            Array.Resize(ref _lengths, size);
            Array.Resize(ref _live, size);
        }
        _names[_count] = name;
        _nameBits |= NameBit(name);
        _kinds[_count] = kind;
        _offsets[_count] = offset;
        _lengths[_count] = length;
        _live[_count] = true;
        _count++;
    }

    private int Append(ReadOnlySpan<byte> value)
    {
        // The value may lie in the old buffer: a resize keeps that array alive for the span, so the copy stays right.
        EnsureBytes(value.Length);
        value.CopyTo(_bytes.AsSpan(_byteLength));
        var offset = _byteLength;
        _byteLength += value.Length;
        return offset;
    }

    private void EnsureBytes(int extra)
    {
        if (_byteLength + extra > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _byteLength + extra));
        }
    }
}
