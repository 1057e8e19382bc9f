namespace Vigie.Core;

/// <summary>Exactly-sized copies of a batch: see <see cref="CompactBatchPool"/>.</summary>
public sealed partial class EventBatch
{
    /// <summary>
    /// Bytes of memory a copy of this batch in buffers of exactly its size takes (<see cref="MemoryBytes"/>
    /// counted over what the batch holds rather than what its buffers have room for).
    /// </summary>
    public long CompactMemoryBytes => MemoryFor(_count, _fieldCount, _byteLength);

    /// <summary>What <see cref="MemoryBytes"/> is for buffers of exactly these sizes.</summary>
    internal static long MemoryFor(long events, long fields, long valueBytes) =>
        events * sizeof(long) + (events + 1) * sizeof(int) + events * sizeof(int)
        + fields * (sizeof(int) + sizeof(ValueKind) + sizeof(int) + sizeof(int)) + valueBytes;

    /// <summary>Whether this batch's buffers hold that many events, fields and value bytes without growing.</summary>
    internal bool Fits(int events, int fields, int valueBytes) =>
        _times.Length >= events && _streamIndex.Length >= events && _fieldStart.Length > events
        && _nameIds.Length >= fields && _kinds.Length >= fields && _valueOffsets.Length >= fields && _valueLengths.Length >= fields
        && _bytes.Length >= valueBytes;

    /// <summary>
    /// Makes this batch, emptied first, hold the same events as <paramref name="source"/>: the same
    /// times, streams, names, fields and value bytes, in the same order, with the same indexes (a
    /// name id or stream index of the source means the same here). Its buffers must
    /// <see cref="Fits"/> the source's contents.
    /// </summary>
    internal void CopyFrom(EventBatch source)
    {
        if (source._inEvent)
        {
            throw new InvalidOperationException("A batch with an event still open cannot be copied.");
        }
        Clear();
        var events = source._count;
        var fields = source._fieldCount;
        var bytes = source._byteLength;
        source._times.AsSpan(0, events).CopyTo(_times);
        source._streamIndex.AsSpan(0, events).CopyTo(_streamIndex);
        source._fieldStart.AsSpan(0, events + 1).CopyTo(_fieldStart);
        source._nameIds.AsSpan(0, fields).CopyTo(_nameIds);
        source._kinds.AsSpan(0, fields).CopyTo(_kinds);
        source._valueOffsets.AsSpan(0, fields).CopyTo(_valueOffsets);
        source._valueLengths.AsSpan(0, fields).CopyTo(_valueLengths);
        source._bytes.AsSpan(0, bytes).CopyTo(_bytes);
        _count = events;
        _fieldCount = fields;
        _byteLength = bytes;
        CopyNamesAndStreamsFrom(source);
    }

    /// <summary>Takes <paramref name="source"/>'s names and streams, in its order, so that its name ids and stream indexes hold here.</summary>
    private void CopyNamesAndStreamsFrom(EventBatch source)
    {
        foreach (var name in source._names)
        {
            _nameIndex.Add(name, _names.Count);
            _names.Add(name);
        }
        _streams.AddRange(source._streams);
        _streamByHash.CopyFrom(source._streamByHash);
    }
}
