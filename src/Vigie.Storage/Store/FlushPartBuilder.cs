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

    /// <summary>The days present in <paramref name="batches"/>, each with its rows grouped by stream.</summary>
    public static SortedDictionary<int, Dictionary<StreamKey, List<RowRef>>> Group(IReadOnlyList<EventBatch> batches)
    {
        var days = new SortedDictionary<int, Dictionary<StreamKey, List<RowRef>>>();
        var sequence = 0;
        // The rows list of each of a batch's streams, found by the batch's stream index rather than by
        // hashing the stream key of every event; a slot is valid for the day it was found for.
        var byIndex = new List<RowRef>?[16];
        var dayOfIndex = new int[16];
        for (var b = 0; b < batches.Count; b++)
        {
            var batch = batches[b];
            if (byIndex.Length < batch.Streams.Count)
            {
                byIndex = new List<RowRef>?[batch.Streams.Count];
                dayOfIndex = new int[batch.Streams.Count];
            }
            else
            {
                byIndex.AsSpan().Clear();
            }
            var times = batch.Times;
            var streamIndexes = batch.StreamIndexes;
            var fieldStarts = batch.FieldStarts;
            var lengths = batch.ValueLengths;
            var byteStart = 0;
            for (var e = 0; e < times.Length; e++)
            {
                var time = times[e];
                var day = Timestamps.DayOf(time);
                var streamIndex = streamIndexes[e];
                var rows = byIndex[streamIndex];
                if (rows is null || dayOfIndex[streamIndex] != day)
                {
                    rows = RowsOf(days, day, batch.Streams[streamIndex]);
                    byIndex[streamIndex] = rows;
                    dayOfIndex[streamIndex] = day;
                }
                var start = fieldStarts[e];
                var end = fieldStarts[e + 1];
                var byteLength = 0;
                foreach (var length in lengths[start..end])
                {
                    byteLength += length;
                }
                rows.Add(new RowRef(time, b, sequence++, start, end - start, byteStart, byteLength));
                byteStart += byteLength;
            }
        }
        return days;
    }

    private static List<RowRef> RowsOf(SortedDictionary<int, Dictionary<StreamKey, List<RowRef>>> days, int day, StreamKey stream)
    {
        if (!days.TryGetValue(day, out var streams))
        {
            streams = [];
            days.Add(day, streams);
        }
        if (!streams.TryGetValue(stream, out var rows))
        {
            rows = [];
            streams.Add(stream, rows);
        }
        return rows;
    }

    /// <summary>
    /// The blocks of one day's part, built lazily so that few blocks are in memory at a time. Their
    /// value bytes are lent by the builder: they are meant for <see cref="Parts.PartWriter"/>, which
    /// gives them back once written, and must not be kept.
    /// </summary>
    public static IEnumerable<ColumnarBlock> Blocks(IReadOnlyList<EventBatch> batches, Dictionary<StreamKey, List<RowRef>> streams)
    {
        var builder = new ColumnarBlockBuilder();
        foreach (var (stream, rows) in streams.OrderBy(s => s.Key.Text, StringComparer.Ordinal))
        {
            SortByTime(CollectionsMarshal.AsSpan(rows));
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
