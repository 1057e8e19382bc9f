using Vigie.Core;
using Vigie.Query.Pipes;
using Vigie.Query.Syntax;

namespace Vigie.Query.Engine;

/// <summary>
/// Counts the rows of whole blocks by time bucket, for a stats whose functions only count rows and
/// whose other keys are constant over the block: the times are decoded into one buffer reused from
/// block to block (no block, no column, no per-row work beyond the decode), and since they ascend,
/// each bucket's end is found by bisection. One per scan worker; not thread-safe.
/// </summary>
internal sealed class TimeHistogram(StatsAggregator into, GroupKey[] by, int bucketKey)
{
    private readonly long _bucket = by[bucketKey].BucketNs!.Value;

    // Bucket starts already formatted, and, when the bucket is the only key, their groups: a
    // histogram meets the same few buckets in block after block.
    private readonly Dictionary<long, string> _texts = [];
    private readonly Dictionary<long, Pipes.Stats.StatAccumulator[]> _groups = [];
    private long[] _times = new long[1024];

    /// <summary>Adds every row of <paramref name="block"/> to the group of <paramref name="key"/> with its time bucket filled in.</summary>
    /// <exception cref="Storage.Parts.PartCorruptException">The block's times are damaged.</exception>
    public void Add(BlockRef block, string[] key, ValueKind[] kinds)
    {
        var rows = block.Info.RowCount;
        if (_times.Length < rows)
        {
            _times = new long[Math.Max(rows, _times.Length * 2)];
        }
        var times = _times.AsSpan(0, rows);
        block.Part.Reader.ReadTimes(block.Block, times);
        var from = 0;
        while (from < rows)
        {
            var start = StatsAggregator.BucketStart(times[from], _bucket);
            // the last bucket before long.MaxValue has no end to look for
            var to = start > long.MaxValue - _bucket ? rows : FirstAtOrAfter(times, start + _bucket, from + 1);
            foreach (var accumulator in GroupOf(start, key, kinds))
            {
                accumulator.AddAbsent(to - from);
            }
            from = to;
        }
    }

    private Pipes.Stats.StatAccumulator[] GroupOf(long start, string[] key, ValueKind[] kinds)
    {
        var alone = key.Length == 1;
        if (alone && _groups.TryGetValue(start, out var cached))
        {
            return cached;
        }
        if (!_texts.TryGetValue(start, out var text))
        {
            _texts[start] = text = Timestamps.FormatRfc3339(start);
        }
        // the aggregator keeps the key array of a new group: each call gets its own
        var full = (string[])key.Clone();
        full[bucketKey] = text;
        kinds = (ValueKind[])kinds.Clone();
        kinds[bucketKey] = ValueKind.String;
        var group = into.GroupFor(full, kinds);
        if (alone)
        {
            _groups[start] = group;
        }
        return group;
    }

    /// <summary>The first index at or after <paramref name="from"/> whose time is at least <paramref name="time"/>, or the length.</summary>
    private static int FirstAtOrAfter(ReadOnlySpan<long> times, long time, int from)
    {
        var lo = from;
        var hi = times.Length;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (times[mid] < time)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
