using System.Text;

namespace Vigie.Core;

/// <summary>
/// A batch of events laid out flat: one array per attribute, values as UTF-8 in one shared buffer.
/// It is the unit that ingestion builds, the WAL persists and the store buffers, so that the write
/// path allocates per batch, never per event.
/// </summary>
/// <remarks>
/// Not thread-safe. Built by one producer (<see cref="BeginEvent"/>, <see cref="AddField(string, ValueKind, ReadOnlySpan{byte})"/>,
/// <see cref="EndEvent"/>), then handed over and only read. Field names and stream keys are interned
/// per batch.
/// </remarks>
public sealed partial class EventBatch
{
    private long[] _times;
    private int[] _fieldStart;
    private int[] _streamIndex;
    private int _count;

    private int[] _nameIds;
    private ValueKind[] _kinds;
    private int[] _valueOffsets;
    private int[] _valueLengths;
    private int _fieldCount;

    private byte[] _bytes;
    private int _byteLength;

    private readonly List<string> _names = [];
    private readonly Dictionary<string, int> _nameIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _nameLookup;

    private readonly List<StreamKey> _streams = [];
    private readonly StreamIndexByHash _streamByHash = new();

    private bool _inEvent;

    /// <summary>The pool this batch returns to when its last reference is released; null when not pooled.</summary>
    private IBatchHome? _pool;
    private int _references;

    private StreamFields? _streamFieldsOfIds;
    private int[]? _streamNameIds;
    private ulong[]? _streamNameHashes;

    public EventBatch()
        : this(64, 256, 4096)
    {
    }

    /// <summary>
    /// A batch sized for about <paramref name="events"/> events, <paramref name="fields"/> fields in all
    /// and <paramref name="valueBytes"/> bytes of values, so that filling it does not regrow (and copy)
    /// its arrays: ingestion knows how big its batches get.
    /// </summary>
    public EventBatch(int events, int fields, int valueBytes)
    {
        events = Math.Max(1, events);
        fields = Math.Max(1, fields);
        _times = GC.AllocateUninitializedArray<long>(events);
        _fieldStart = GC.AllocateUninitializedArray<int>(events + 1);
        _fieldStart[0] = 0;
        _streamIndex = GC.AllocateUninitializedArray<int>(events);
        _nameIds = GC.AllocateUninitializedArray<int>(fields);
        _kinds = GC.AllocateUninitializedArray<ValueKind>(fields);
        _valueOffsets = GC.AllocateUninitializedArray<int>(fields);
        _valueLengths = GC.AllocateUninitializedArray<int>(fields);
        _bytes = GC.AllocateUninitializedArray<byte>(Math.Max(16, valueBytes));
        _nameLookup = _nameIndex.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _count;

    /// <summary>Bytes of field values held; a cheap measure of the batch's size.</summary>
    public int ValueBytes => _byteLength;

    public int TotalFields => _fieldCount;

    /// <summary>
    /// Bytes of memory the batch's buffers take, used or not: what holding it costs, about twice
    /// <see cref="ValueBytes"/> (per field a name id, kind, offset and length, and the room its
    /// arrays were sized with). Bounds on memory count this.
    /// </summary>
    public long MemoryBytes =>
        (long)_times.Length * sizeof(long) + (long)_fieldStart.Length * sizeof(int) + (long)_streamIndex.Length * sizeof(int)
        + (long)_nameIds.Length * (sizeof(int) + sizeof(ValueKind) + sizeof(int) + sizeof(int)) + _bytes.Length
        + StreamRunsMemoryBytes;

    public IReadOnlyList<string> Names => _names;

    public IReadOnlyList<StreamKey> Streams => _streams;

    public void BeginEvent(long timeNs)
    {
        if (_inEvent)
        {
            throw new InvalidOperationException("EndEvent or CancelEvent must close the previous event.");
        }
        if (_count == _times.Length)
        {
            Array.Resize(ref _times, _count * 2);
            Array.Resize(ref _streamIndex, _count * 2);
            Array.Resize(ref _fieldStart, _count * 2 + 1);
        }
        _times[_count] = timeNs;
        _fieldStart[_count] = _fieldCount;
        _inEvent = true;
    }

    /// <summary>Sets the time of the event being built (when the time field comes after others).</summary>
    public void SetTime(long timeNs) => _times[_count] = timeNs;

    public void AddField(string name, ValueKind kind, ReadOnlySpan<byte> valueUtf8) => AddField(InternName(name), kind, valueUtf8);

    public void AddField(ReadOnlySpan<char> name, ValueKind kind, ReadOnlySpan<byte> valueUtf8) => AddField(InternName(name), kind, valueUtf8);

    public void AddField(string name, ValueKind kind, string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        EnsureBytes(max);
        var written = Encoding.UTF8.GetBytes(value, _bytes.AsSpan(_byteLength));
        AddFieldAt(InternName(name), kind, _byteLength, written);
    }

    /// <summary>Adds a field whose name was interned with <see cref="InternName(string)"/>.</summary>
    public void AddField(int nameId, ValueKind kind, ReadOnlySpan<byte> valueUtf8)
    {
        EnsureBytes(valueUtf8.Length);
        valueUtf8.CopyTo(_bytes.AsSpan(_byteLength));
        AddFieldAt(nameId, kind, _byteLength, valueUtf8.Length);
    }

    /// <summary>Reserves room for a value written in place (e.g. unescaped by a JSON reader).</summary>
    public Span<byte> ReserveValue(int maxBytes)
    {
        EnsureBytes(maxBytes);
        return _bytes.AsSpan(_byteLength, maxBytes);
    }

    /// <summary>Commits a value written into the span <see cref="ReserveValue"/> returned.</summary>
    public void CommitReservedValue(int nameId, ValueKind kind, int length) => AddFieldAt(nameId, kind, _byteLength, length);

    private void AddFieldAt(int nameId, ValueKind kind, int offset, int length)
    {
        if (!_inEvent)
        {
            throw new InvalidOperationException("BeginEvent must open an event first.");
        }
        if (kind == ValueKind.Absent)
        {
            throw new ArgumentException("A field that exists cannot be Absent.", nameof(kind));
        }
        if (_fieldCount == _nameIds.Length)
        {
            var size = _fieldCount * 2;
            Array.Resize(ref _nameIds, size);
            Array.Resize(ref _kinds, size);
            Array.Resize(ref _valueOffsets, size);
            Array.Resize(ref _valueLengths, size);
        }
        _nameIds[_fieldCount] = nameId;
        _kinds[_fieldCount] = kind;
        _valueOffsets[_fieldCount] = offset;
        _valueLengths[_fieldCount] = length;
        _fieldCount++;
        _byteLength = offset + length;
    }

    /// <summary>
    /// Closes the event and files it under the stream made of the values of <paramref name="streamFields"/>
    /// (fields the event lacks are left out of the key).
    /// </summary>
    public void EndEvent(StreamFields streamFields)
    {
        var start = _fieldStart[_count];
        var nameIds = StreamNameIds(streamFields);
        var hash = StreamKey.Seed;
        for (var s = 0; s < nameIds.Length; s++)
        {
            for (var f = start; f < _fieldCount; f++)
            {
                if (_nameIds[f] == nameIds[s])
                {
                    hash = StreamKey.Mix(hash, _streamNameHashes![s], _bytes.AsSpan(_valueOffsets[f], _valueLengths[f]));
                    break;
                }
            }
        }
        if (!_streamByHash.TryGetValue(hash, out var streamIndex))
        {
            streamIndex = _streams.Count;
            if (!RecentStreams.TryGetValue(hash, out var key))
            {
                key = BuildStreamKey(start, streamFields);
                if (RecentStreams.Count >= MaxRecentStreams)
                {
                    RecentStreams.Clear();
                }
                RecentStreams.TryAdd(hash, key);
            }
            _streams.Add(key);
            _streamByHash.Add(hash, streamIndex);
        }
        _streamIndex[_count] = streamIndex;
        _count++;
        _fieldStart[_count] = _fieldCount;
        _inEvent = false;
    }

    /// <summary>
    /// Stream keys built lately, by the hash <see cref="EndEvent(StreamFields)"/> computes of the stream
    /// fields' names and values (the same hash that already identifies a stream within a batch). Every
    /// batch meets its streams anew, and building a key (texts decoded, sorted, joined) for each of
    /// them in each batch of 4,096 events cost about as much as the batch's allocation: the same few
    /// hundred sources send batch after batch. Bounded: emptied when full.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, StreamKey> RecentStreams = new();

    private const int MaxRecentStreams = 16 * 1024;

    /// <summary>The name ids of the stream fields (and their names' hashes), looked up once per batch rather than per event.</summary>
    private int[] StreamNameIds(StreamFields streamFields)
    {
        if (!ReferenceEquals(streamFields, _streamFieldsOfIds) || _streamNameIds is null)
        {
            _streamNameIds = new int[streamFields.Count];
            _streamNameHashes = new ulong[streamFields.Count];
            for (var s = 0; s < streamFields.Count; s++)
            {
                _streamNameIds[s] = InternName(streamFields[s]);
                _streamNameHashes[s] = StreamKey.NameHash(Encoding.UTF8.GetBytes(streamFields[s]));
            }
            _streamFieldsOfIds = streamFields;
        }
        return _streamNameIds;
    }

    /// <summary>Closes the event with an already known stream (WAL replay, merges).</summary>
    public void EndEvent(StreamKey stream)
    {
        if (!_streamByHash.TryGetValue(stream.Hash, out var streamIndex))
        {
            streamIndex = _streams.Count;
            _streams.Add(stream);
            _streamByHash.Add(stream.Hash, streamIndex);
        }
        _streamIndex[_count] = streamIndex;
        _count++;
        _fieldStart[_count] = _fieldCount;
        _inEvent = false;
    }

    /// <summary>Drops the event being built (a bad line): nothing of it stays in the batch.</summary>
    public void CancelEvent()
    {
        if (!_inEvent)
        {
            return;
        }
        _fieldCount = _fieldStart[_count];
        _byteLength = _fieldCount > 0 ? _valueOffsets[_fieldCount - 1] + _valueLengths[_fieldCount - 1] : 0;
        _inEvent = false;
    }

    private StreamKey BuildStreamKey(int start, StreamFields streamFields)
    {
        var pairs = new List<KeyValuePair<string, string>>(streamFields.Count);
        for (var s = 0; s < streamFields.Count; s++)
        {
            var nameId = InternName(streamFields[s]);
            for (var f = start; f < _fieldCount; f++)
            {
                if (_nameIds[f] == nameId)
                {
                    pairs.Add(new(streamFields[s], Encoding.UTF8.GetString(_bytes.AsSpan(_valueOffsets[f], _valueLengths[f]))));
                    break;
                }
            }
        }
        return StreamKey.Create(pairs);
    }

    public int InternName(string name)
    {
        if (!_nameIndex.TryGetValue(name, out var id))
        {
            id = _names.Count;
            _names.Add(name);
            _nameIndex.Add(name, id);
        }
        return id;
    }

    public int InternName(ReadOnlySpan<char> name)
    {
        if (!_nameLookup.TryGetValue(name, out var id))
        {
            var s = name.ToString();
            id = _names.Count;
            _names.Add(s);
            _nameIndex.Add(s, id);
        }
        return id;
    }

    public long GetTime(int eventIndex) => _times[eventIndex];

    public StreamKey GetStream(int eventIndex) => _streams[_streamIndex[eventIndex]];

    public int GetStreamIndex(int eventIndex) => _streamIndex[eventIndex];

    /// <summary>The fields of an event are the indexes [start, end) of the field accessors below.</summary>
    public (int Start, int End) GetFieldRange(int eventIndex) => (_fieldStart[eventIndex], _fieldStart[eventIndex + 1]);

    public int GetNameId(int field) => _nameIds[field];

    public string GetName(int field) => _names[_nameIds[field]];

    public ValueKind GetKind(int field) => _kinds[field];

    public ReadOnlySpan<byte> GetValue(int field) => _bytes.AsSpan(_valueOffsets[field], _valueLengths[field]);

    public ReadOnlySpan<long> Times => _times.AsSpan(0, _count);

    /// <summary>Materialises one event; for tests, results and other cold paths.</summary>
    public LogEvent ToLogEvent(int eventIndex)
    {
        var (start, end) = GetFieldRange(eventIndex);
        var fields = new List<KeyValuePair<string, FieldValue>>(end - start);
        for (var f = start; f < end; f++)
        {
            fields.Add(new(GetName(f), new FieldValue(GetKind(f), Encoding.UTF8.GetString(GetValue(f)))));
        }
        return new LogEvent(GetTime(eventIndex), GetStream(eventIndex), fields);
    }

    public IEnumerable<LogEvent> ToLogEvents()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return ToLogEvent(i);
        }
    }

    /// <summary>Appends a materialised event (tests, replays of cold data).</summary>
    public void Add(LogEvent e)
    {
        BeginEvent(e.TimeNs);
        foreach (var (name, value) in e.Fields)
        {
            AddField(name, value.Kind, value.Text);
        }
        EndEvent(e.Stream);
    }

    /// <summary>Changes at each <see cref="Clear"/>: name ids from an earlier epoch are no longer valid.</summary>
    public int Epoch { get; private set; }

    /// <summary>Empties the batch for reuse, keeping its buffers.</summary>
    public void Clear()
    {
        Epoch++;
        _streamNameIds = null;
        _groupedByStream = false;
        _count = 0;
        _fieldCount = 0;
        _byteLength = 0;
        _fieldStart[0] = 0;
        _names.Clear();
        _nameIndex.Clear();
        _streams.Clear();
        _streamByHash.Clear();
        _inEvent = false;
    }

    private void EnsureBytes(int extra)
    {
        if (_byteLength + extra > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _byteLength + extra));
        }
    }

    /// <summary>
    /// Takes a reference to a pooled batch, so that it does not return to its pool before
    /// <see cref="Release"/> (see <see cref="EventBatchPool"/>). Harmless on a batch that is not pooled.
    /// </summary>
    public void AddReference() => Interlocked.Increment(ref _references);

    /// <summary>Gives up a reference; the last one sends a pooled batch back to its pool, emptied.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0 && Volatile.Read(ref _pool) is { } pool)
        {
            Volatile.Write(ref _pool, null);
            pool.Return(this);
        }
    }

    /// <summary>
    /// Keeps the batch out of its pool for good: for a holder that will read it at any later time and
    /// cannot release it. Must be called while holding a reference.
    /// </summary>
    public void Detach() => Volatile.Write(ref _pool, null);

    /// <summary>Whether the batch will go back to a pool once released.</summary>
    public bool IsPooled => Volatile.Read(ref _pool) is not null;

    internal void AttachTo(IBatchHome pool)
    {
        _references = 1;
        Volatile.Write(ref _pool, pool);
    }

    /// <summary>
    /// Raw view for serialisers in this assembly family (WAL): the values of every field, one after
    /// the other in field order (a field's value starts where the previous one ends).
    /// </summary>
    public ReadOnlySpan<byte> RawBytes => _bytes.AsSpan(0, _byteLength);

    /// <summary>
    /// <see cref="RawBytes"/> as memory, for the WAL's gathered write (an I/O call takes memory, not a span).
    /// The batch must not change while it is in use.
    /// </summary>
    public ReadOnlyMemory<byte> RawBytesMemory => _bytes.AsMemory(0, _byteLength);

    /// <summary>Raw view for the WAL: per event, the index of its stream in <see cref="Streams"/>.</summary>
    public ReadOnlySpan<int> StreamIndexes => _streamIndex.AsSpan(0, _count);

    /// <summary>Raw view for the WAL: per event its first field, then the field count (<see cref="Count"/> + 1 entries).</summary>
    public ReadOnlySpan<int> FieldStarts => _fieldStart.AsSpan(0, _count + 1);

    /// <summary>Raw view for the WAL: per field, its name's index in <see cref="Names"/>.</summary>
    public ReadOnlySpan<int> NameIds => _nameIds.AsSpan(0, _fieldCount);

    /// <summary>Raw view for the WAL: per field, its kind.</summary>
    public ReadOnlySpan<ValueKind> Kinds => _kinds.AsSpan(0, _fieldCount);

    /// <summary>Raw view for the WAL: per field, the length of its value in <see cref="RawBytes"/>.</summary>
    public ReadOnlySpan<int> ValueLengths => _valueLengths.AsSpan(0, _fieldCount);

    /// <summary>
    /// A batch made of the views above (WAL replay), taking the arrays as they are. Checks that they fit
    /// together, so that damaged input fails here rather than when the batch is read.
    /// </summary>
    /// <exception cref="InvalidDataException">The arrays do not describe a batch.</exception>
    public static EventBatch FromLayout(
        IReadOnlyList<string> names,
        IReadOnlyList<StreamKey> streams,
        long[] times,
        int[] streamIndexes,
        int[] fieldStarts,
        int[] nameIds,
        ValueKind[] kinds,
        int[] valueLengths,
        byte[] valueBytes)
    {
        var count = times.Length;
        var fields = nameIds.Length;
        if (streamIndexes.Length != count || fieldStarts.Length != count + 1 || kinds.Length != fields || valueLengths.Length != fields)
        {
            throw new InvalidDataException("the arrays of a batch have inconsistent lengths");
        }
        if (fieldStarts[0] != 0 || fieldStarts[count] != fields)
        {
            throw new InvalidDataException("the fields of a batch's events do not cover its fields");
        }
        for (var e = 0; e < count; e++)
        {
            if (fieldStarts[e + 1] < fieldStarts[e])
            {
                throw new InvalidDataException("an event's fields end before they start");
            }
            if ((uint)streamIndexes[e] >= (uint)streams.Count)
            {
                throw new InvalidDataException($"stream index {streamIndexes[e]} out of range {streams.Count}");
            }
        }
        var offsets = GC.AllocateUninitializedArray<int>(fields);
        long offset = 0;
        for (var f = 0; f < fields; f++)
        {
            if ((uint)nameIds[f] >= (uint)names.Count)
            {
                throw new InvalidDataException($"name index {nameIds[f]} out of range {names.Count}");
            }
            if (kinds[f] is < ValueKind.String or > ValueKind.Json)
            {
                throw new InvalidDataException($"unknown value kind {(byte)kinds[f]}");
            }
            if (valueLengths[f] < 0)
            {
                throw new InvalidDataException("a negative value length");
            }
            offsets[f] = (int)Math.Min(offset, int.MaxValue);
            offset += valueLengths[f];
        }
        if (offset != valueBytes.Length)
        {
            throw new InvalidDataException($"the values take {offset} bytes, the batch holds {valueBytes.Length}");
        }
        var batch = new EventBatch(1, 1, 16)
        {
            _times = count > 0 ? times : new long[1],
            _streamIndex = count > 0 ? streamIndexes : new int[1],
            _fieldStart = fieldStarts,
            _count = count,
            _nameIds = fields > 0 ? nameIds : new int[1],
            _kinds = fields > 0 ? kinds : new ValueKind[1],
            _valueOffsets = fields > 0 ? offsets : new int[1],
            _valueLengths = fields > 0 ? valueLengths : new int[1],
            _fieldCount = fields,
            _bytes = valueBytes.Length > 0 ? valueBytes : new byte[16],
            _byteLength = valueBytes.Length,
        };
        foreach (var name in names)
        {
            if (batch.InternName(name) != batch._names.Count - 1)
            {
                throw new InvalidDataException($"name \"{name}\" appears twice");
            }
        }
        foreach (var stream in streams)
        {
            batch._streamByHash.TryAdd(stream.Hash, batch._streams.Count);
            batch._streams.Add(stream);
        }
        return batch;
    }
}
