namespace Vigie.Core;

/// <summary>Copies of a batch with its events grouped by stream: see <see cref="CompactBatchPool"/>.</summary>
public sealed partial class EventBatch
{
    /// <summary>Per stream index, where its run of events starts (<see cref="Streams"/>.Count + 1 entries); valid when grouped.</summary>
    private int[] _streamRunStarts = [];

    /// <summary>Per event in the order it arrived, its place in this batch; valid when grouped.</summary>
    private int[] _placeOfArrival = [];

    private bool _groupedByStream;

    /// <summary>The source's event for each place of a grouped copy being made: scratch of the copying thread.</summary>
    [ThreadStatic]
    private static int[]? t_arrivalOfPlace;

    [ThreadStatic]
    private static HashSet<ulong>? t_streamHashes;

    /// <summary>
    /// Whether the events lie grouped by stream: the events of stream index s are the places
    /// [<see cref="StreamRunStarts"/>[s], <see cref="StreamRunStarts"/>[s + 1]), in the order they
    /// arrived. Only <see cref="CompactBatchPool"/>'s copies are; a batch read back from the WAL
    /// lies in the same order but does not know it.
    /// </summary>
    public bool IsGroupedByStream => _groupedByStream;

    /// <summary>Per stream index, the first place of its run, then the event count: empty unless <see cref="IsGroupedByStream"/>.</summary>
    public ReadOnlySpan<int> StreamRunStarts => _groupedByStream ? _streamRunStarts.AsSpan(0, _streams.Count + 1) : default;

    /// <summary>
    /// The place in this batch of the event that arrived <paramref name="arrival"/>th: itself unless
    /// the batch is grouped by stream. A reader that shows events as they came (a live tail) reads
    /// them through this.
    /// </summary>
    public int PlaceOfArrival(int arrival) => _groupedByStream ? _placeOfArrival[arrival] : arrival;

    /// <summary>Memory of the arrays that record the grouping (counted in <see cref="MemoryBytes"/>).</summary>
    private long StreamRunsMemoryBytes => ((long)_streamRunStarts.Length + _placeOfArrival.Length) * sizeof(int);

    /// <summary>
    /// Makes this batch, emptied first, hold the events of <paramref name="source"/> grouped by stream:
    /// a counting sort on the stream indexes, stable, so each stream's events keep the order they
    /// arrived in. Names, streams, their indexes and every event's time, fields and value bytes are
    /// the source's; only the events' places change, and <see cref="PlaceOfArrival"/> finds them
    /// back. The value bytes still follow one another in field order (the WAL and the flush read them
    /// so). A batch whose streams are not all distinct keys (two byte strings that decode to one
    /// text) is copied as it is: grouped by index, such a stream's events would change order.
    /// </summary>
    internal void CopyGroupedFrom(EventBatch source)
    {
        var events = source._count;
        var streams = source._streams.Count;
        if (source._inEvent || events < 2 || streams < 2 || !DistinctKeys(source._streams))
        {
            CopyFrom(source);
            return;
        }
        Clear();
        var runs = GrowRuns(ref _streamRunStarts, streams + 1);
        var place = GrowRuns(ref _placeOfArrival, events);
        var arrivalOfPlace = t_arrivalOfPlace is { } scratch && scratch.Length >= events
            ? scratch
            : t_arrivalOfPlace = new int[CompactBatchPool.RoundUp(events)];
        var streamIndexes = source._streamIndex.AsSpan(0, events);
        runs.AsSpan(0, streams + 1).Clear();
        foreach (var s in streamIndexes)
        {
            runs[s + 1]++;
        }
        for (var s = 1; s <= streams; s++)
        {
            runs[s] += runs[s - 1];
        }
        // runs[s] serves as stream s's cursor, ending at the start of s + 1; shifted back after.
        for (var e = 0; e < events; e++)
        {
            var p = runs[streamIndexes[e]]++;
            place[e] = p;
            arrivalOfPlace[p] = e;
        }
        for (var s = streams; s > 0; s--)
        {
            runs[s] = runs[s - 1];
        }
        runs[0] = 0;

        var times = source._times;
        var fieldStarts = source._fieldStart;
        var nameIds = source._nameIds;
        var kinds = source._kinds;
        var offsets = source._valueOffsets;
        var lengths = source._valueLengths;
        var bytes = source._bytes;
        var field = 0;
        var position = 0;
        for (var p = 0; p < events; p++)
        {
            var e = arrivalOfPlace[p];
            _times[p] = times[e];
            _streamIndex[p] = streamIndexes[e];
            _fieldStart[p] = field;
            var start = fieldStarts[e];
            var count = fieldStarts[e + 1] - start;
            if (count == 0)
            {
                continue;
            }
            nameIds.AsSpan(start, count).CopyTo(_nameIds.AsSpan(field));
            kinds.AsSpan(start, count).CopyTo(_kinds.AsSpan(field));
            lengths.AsSpan(start, count).CopyTo(_valueLengths.AsSpan(field));
            var first = offsets[start];
            for (var f = 0; f < count; f++)
            {
                _valueOffsets[field + f] = offsets[start + f] - first + position;
            }
            var byteLength = offsets[start + count - 1] + lengths[start + count - 1] - first;
            bytes.AsSpan(first, byteLength).CopyTo(_bytes.AsSpan(position));
            field += count;
            position += byteLength;
        }
        _fieldStart[events] = field;
        _count = events;
        _fieldCount = field;
        _byteLength = position;
        CopyNamesAndStreamsFrom(source);
        _groupedByStream = true;
    }

    /// <summary>Whether no two of the keys are equal (keys of equal hashes are taken as equal).</summary>
    private static bool DistinctKeys(List<StreamKey> keys)
    {
        var seen = t_streamHashes ??= [];
        seen.Clear();
        foreach (var key in keys)
        {
            if (!seen.Add(key.Hash))
            {
                return false;
            }
        }
        return true;
    }

    private static int[] GrowRuns(ref int[] array, int length)
    {
        if (array.Length < length)
        {
            array = GC.AllocateUninitializedArray<int>(CompactBatchPool.RoundUp(length));
        }
        return array;
    }
}
