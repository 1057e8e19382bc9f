using Vigie.Core;
using Vigie.Storage.Blocks;

namespace Vigie.Storage.Store;

/// <summary>
/// Turns the memtable's batches into the blocks of one part per UTC day: rows grouped by stream,
/// sorted by time (arrival order among equal times), cut at <see cref="BlockCut"/>.
/// </summary>
internal static class FlushPartBuilder
{
    internal readonly record struct RowRef(long Time, int Batch, int Event, int Sequence);

    /// <summary>The days present in <paramref name="batches"/>, each with its rows grouped by stream.</summary>
    public static SortedDictionary<int, Dictionary<StreamKey, List<RowRef>>> Group(IReadOnlyList<EventBatch> batches)
    {
        var days = new SortedDictionary<int, Dictionary<StreamKey, List<RowRef>>>();
        var sequence = 0;
        for (var b = 0; b < batches.Count; b++)
        {
            var batch = batches[b];
            for (var e = 0; e < batch.Count; e++)
            {
                var time = batch.GetTime(e);
                var day = Timestamps.DayOf(time);
                if (!days.TryGetValue(day, out var streams))
                {
                    streams = [];
                    days.Add(day, streams);
                }
                var stream = batch.GetStream(e);
                if (!streams.TryGetValue(stream, out var rows))
                {
                    rows = [];
                    streams.Add(stream, rows);
                }
                rows.Add(new RowRef(time, b, e, sequence++));
            }
        }
        return days;
    }

    /// <summary>The blocks of one day's part, built lazily so that one block is in memory at a time.</summary>
    public static IEnumerable<ColumnarBlock> Blocks(IReadOnlyList<EventBatch> batches, Dictionary<StreamKey, List<RowRef>> streams)
    {
        var builder = new ColumnarBlockBuilder();
        foreach (var (stream, rows) in streams.OrderBy(s => s.Key.Text, StringComparer.Ordinal))
        {
            rows.Sort(static (a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Sequence.CompareTo(b.Sequence));
            builder.Reset(stream);
            foreach (var row in rows)
            {
                if (builder.RowCount >= BlockCut.MaxRows || builder.ValueBytes >= BlockCut.MaxValueBytes)
                {
                    yield return builder.Build();
                    builder.Reset(stream);
                }
                builder.Add(row.Time, batches[row.Batch], row.Event);
            }
            if (builder.RowCount > 0)
            {
                yield return builder.Build();
            }
        }
    }
}
