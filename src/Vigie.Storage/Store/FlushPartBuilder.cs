using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Vigie.Core;
using Vigie.Storage.Blocks;

namespace Vigie.Storage.Store;

/// <summary>
/// Turns the memtable's batches into the blocks of one part per UTC day: rows grouped by stream,
/// sorted by time (arrival order among equal times), cut at <see cref="BlockCut"/>.
/// </summary>
internal static class FlushPartBuilder
{
    /// <summary>How many rows ahead of the one being copied the memory of a row is prefetched.</summary>
    private const int PrefetchDistance = 8;

    /// <summary>
    /// One event of a batch: where its fields and value bytes lie (the values of an event's fields
    /// follow one another in <see cref="EventBatch.RawBytes"/>), so that copying it into a block
    /// needs no lookup that depends on another, and its memory can be prefetched.
    /// </summary>
    internal readonly record struct RowRef(long Time, int Batch, int Sequence, int FieldStart, int FieldCount, int ByteStart, int ByteLength);

    /// <summary>
    /// The days present in <paramref name="batches"/>, each with its rows grouped by stream. All rows lie
    /// in one array, group after group: a first pass finds each event's group and counts the groups,
    /// a second places the rows, so no list grows and is copied on the way. The arrays come from
    /// <paramref name="scratch"/> when given (the rows then lie in it until its next use).
    /// </summary>
    public static SortedDictionary<int, Dictionary<StreamKey, ArraySegment<RowRef>>> Group(IReadOnlyList<EventBatch> batches, FlushScratch? scratch = null)
    {
        var total = 0;
        foreach (var batch in batches)
        {
            total += batch.Count;
        }
        var groupOfEvent = scratch?.GroupOfEvent(total) ?? GC.AllocateUninitializedArray<int>(total);
        var groupIds = new Dictionary<(int Day, StreamKey Stream), int>();
        var groups = new List<(int Day, StreamKey Stream)>();
        var counts = new List<int>();
        // The group of each of a batch's streams, found by the batch's stream index rather than by
        // hashing the stream key of every event; a slot is valid for the day it was found for.
        var byIndex = new int[16];
        var dayOfIndex = new int[16];
        var i = 0;
        foreach (var batch in batches)
        {
            if (byIndex.Length < batch.Streams.Count)
            {
                byIndex = new int[batch.Streams.Count];
                dayOfIndex = new int[batch.Streams.Count];
            }
            byIndex.AsSpan().Fill(-1);
            var times = batch.Times;
            var streamIndexes = batch.StreamIndexes;
            for (var e = 0; e < times.Length; e++)
            {
                var day = Timestamps.DayOf(times[e]);
                var streamIndex = streamIndexes[e];
                var group = byIndex[streamIndex];
                if (group < 0 || dayOfIndex[streamIndex] != day)
                {
                    var key = (day, batch.Streams[streamIndex]);
                    if (!groupIds.TryGetValue(key, out group))
                    {
                        group = groups.Count;
                        groupIds.Add(key, group);
                        groups.Add(key);
                        counts.Add(0);
                    }
                    byIndex[streamIndex] = group;
                    dayOfIndex[streamIndex] = day;
                }
                counts[group]++;
                groupOfEvent[i++] = group;
            }
        }

        var starts = new int[groups.Count];
        var next = new int[groups.Count];
        for (int g = 0, offset = 0; g < groups.Count; offset += counts[g], g++)
        {
            starts[g] = next[g] = offset;
        }
        var rows = scratch?.Rows(total) ?? new RowRef[total];
        i = 0;
        for (var b = 0; b < batches.Count; b++)
        {
            var batch = batches[b];
            var times = batch.Times;
            var fieldStarts = batch.FieldStarts;
            var lengths = batch.ValueLengths;
            var byteStart = 0;
            for (var e = 0; e < times.Length; e++)
            {
                var start = fieldStarts[e];
                var end = fieldStarts[e + 1];
                var byteLength = 0;
                foreach (var length in lengths[start..end])
                {
                    byteLength += length;
                }
                // The arrival number is the event's place in the batches: equal times keep that order.
                rows[next[groupOfEvent[i]]++] = new RowRef(times[e], b, i, start, end - start, byteStart, byteLength);
                byteStart += byteLength;
                i++;
            }
        }

        var days = new SortedDictionary<int, Dictionary<StreamKey, ArraySegment<RowRef>>>();
        for (var g = 0; g < groups.Count; g++)
        {
            var (day, stream) = groups[g];
            if (!days.TryGetValue(day, out var streams))
            {
                streams = [];
                days.Add(day, streams);
            }
            streams.Add(stream, new ArraySegment<RowRef>(rows, starts[g], counts[g]));
        }
        return days;
    }

    /// <summary>
    /// The blocks of one day's part, built lazily so that few blocks are in memory at a time. Their
    /// value bytes are lent by the builder: they are meant for <see cref="Parts.PartWriter"/>, which
    /// gives them back once written, and must not be kept. Built with <paramref name="builder"/> when
    /// given (a flush's scratch, kept between flushes), else a new builder.
    /// </summary>
    public static IEnumerable<ColumnarBlock> Blocks(IReadOnlyList<EventBatch> batches, Dictionary<StreamKey, ArraySegment<RowRef>> streams, ColumnarBlockBuilder? builder = null)
    {
        builder ??= new ColumnarBlockBuilder();
        foreach (var (stream, rows) in streams.OrderBy(s => s.Key.Text, StringComparer.Ordinal))
        {
            SortByTime(rows.AsSpan());
            builder.Reset(stream);
            for (var i = 0; i < rows.Count; i++)
            {
                if (builder.RowCount >= BlockCut.MaxRows || builder.ValueBytes >= BlockCut.MaxValueBytes)
                {
                    yield return builder.BuildLent();
                    builder.Reset(stream);
                }
                if (i + PrefetchDistance < rows.Count)
                {
                    Prefetch(batches, rows[i + PrefetchDistance]);
                }
                var row = rows[i];
                builder.Add(row.Time, batches[row.Batch], row.FieldStart, row.FieldStart + row.FieldCount, row.ByteStart);
            }
            if (builder.RowCount > 0)
            {
                yield return builder.BuildLent();
            }
        }
    }

    /// <summary>
    /// Sorts one stream's rows by time, arrival order among equal times. Rows arrive mostly in time
    /// order, so an already sorted run is detected in one pass and not sorted again; the comparer is
    /// a struct, so the sort calls it without a delegate.
    /// </summary>
    private static void SortByTime(Span<RowRef> rows)
    {
        for (var i = 1; i < rows.Length; i++)
        {
            if (rows[i].Time < rows[i - 1].Time)
            {
                rows.Sort(default(ByTimeThenArrival));
                return;
            }
        }
    }

    /// <summary>Time, then arrival: a total order, since arrival numbers are unique.</summary>
    private readonly struct ByTimeThenArrival : IComparer<RowRef>
    {
        public int Compare(RowRef a, RowRef b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Sequence.CompareTo(b.Sequence);
    }

    /// <summary>
    /// Asks the processor to bring a row's fields and value bytes into its cache while the rows
    /// before it are copied. A stream's rows lie far apart in the batches (the events of hundreds of
    /// streams are interleaved), so without it nearly every row waits for memory several times.
    /// </summary>
    private static unsafe void Prefetch(IReadOnlyList<EventBatch> batches, RowRef row)
    {
        if (!Sse.IsSupported || row.FieldCount == 0)
        {
            return;
        }
        var batch = batches[row.Batch];
        // The addresses of the batch's arrays only steer the prefetch: if the collector moves an
        // array meanwhile, the hint is merely wasted (a prefetch never faults).
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetReference(batch.NameIds), row.FieldStart)));
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetReference(batch.Kinds), row.FieldStart)));
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetReference(batch.ValueLengths), row.FieldStart)));
        var bytes = (byte*)Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetReference(batch.RawBytes), row.ByteStart));
        for (var offset = 0; offset < row.ByteLength; offset += 64)
        {
            Sse.Prefetch0(bytes + offset);
        }
    }
}
