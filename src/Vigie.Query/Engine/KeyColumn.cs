using Vigie.Core;
using Vigie.Query.Pipes;
using Vigie.Query.Syntax;
using Vigie.Storage.Blocks;

namespace Vigie.Query.Engine;

/// <summary>
/// A <c>by</c> key over one block whose values are few and known ahead: each row maps to a small id
/// (below <see cref="Cardinality"/>), and each id to its key text once. Constant columns, stream
/// fields and missing fields have one id; dictionary columns one per entry plus one for "absent";
/// time buckets one per bucket the block spans. Other keys (raw text, numbers) return null from
/// <see cref="For"/> and take the text path.
/// </summary>
internal abstract class KeyColumn
{
    /// <summary>Time buckets a block may span before the key is handled as text.</summary>
    private const long MaxBuckets = 4096;

    private static readonly (string, ValueKind) Missing = ("", ValueKind.String);

    public abstract int Cardinality { get; }

    /// <summary>The id of row <paramref name="row"/>; rows are asked for in ascending order.</summary>
    public abstract int IdAt(int row);

    /// <summary>The key text and kind of an id, as the row-by-row path would give them.</summary>
    public abstract (string Text, ValueKind Kind) KeyOf(int id);

    public static KeyColumn? For(ColumnarBlock block, GroupKey key)
    {
        if (key.BucketNs is { } bucket)
        {
            return TimeBuckets.For(block, bucket);
        }
        if (key.Field == FieldNames.Stream)
        {
            return new Constant((block.Stream.Text, ValueKind.String));
        }
        if (key.Field == FieldNames.Time)
        {
            return null;
        }
        var column = block.GetColumn(key.Field);
        if (column is null)
        {
            return new Constant(Missing);
        }
        if (column.ConstantValue is { } constant)
        {
            return new Dictionary(column.Kinds, null, [(constant.Text, constant.Kind)]);
        }
        if (column is { DictionaryCodes: { } codes, DictionaryValues: { } values })
        {
            return new Dictionary(column.Kinds, codes, [.. values.Select(v => (v.Text, v.Kind))]);
        }
        return null;
    }

    private sealed class Constant((string, ValueKind) key) : KeyColumn
    {
        public override int Cardinality => 1;

        public override int IdAt(int row) => 0;

        public override (string Text, ValueKind Kind) KeyOf(int id) => key;
    }

    /// <summary>Entry ids as stored; the last id stands for rows without the field. Without codes, every present row holds entry 0.</summary>
    private sealed class Dictionary(ValueKind[] kinds, byte[]? codes, (string, ValueKind)[] entries) : KeyColumn
    {
        public override int Cardinality => entries.Length + 1;

        public override int IdAt(int row) => kinds[row] == ValueKind.Absent ? entries.Length : codes is null ? 0 : codes[row];

        public override (string Text, ValueKind Kind) KeyOf(int id) => id < entries.Length ? entries[id] : Missing;
    }

    /// <summary>Bucket number from the block's first bucket; times ascend, so the current bucket's end is all a row is compared with.</summary>
    internal sealed class TimeBuckets : KeyColumn
    {
        private readonly long[] _times;
        private readonly long _first;
        private readonly long _bucket;
        private readonly int _count;
        private int _id;
        private long _end;

        private TimeBuckets(long[] times, long first, long bucket, int count)
        {
            _times = times;
            _first = first;
            _bucket = bucket;
            _count = count;
            _end = first + bucket;
        }

        public static TimeBuckets? For(ColumnarBlock block, long bucket)
        {
            if (block.RowCount == 0)
            {
                return new TimeBuckets(block.Times, 0, bucket, 1);
            }
            var first = StatsAggregator.BucketStart(block.Times[0], bucket);
            var last = StatsAggregator.BucketStart(block.Times[^1], bucket);
            var span = ((double)last - first) / bucket;
            // bucket ends are computed in longs: keep them far from overflowing
            if (span >= MaxBuckets || first + ((span + 2) * bucket) >= long.MaxValue)
            {
                return null;
            }
            return new TimeBuckets(block.Times, first, bucket, (int)((last - first) / bucket) + 1);
        }

        public override int Cardinality => _count;

        public override int IdAt(int row)
        {
            var t = _times[row];
            if (t >= _end || t < _end - _bucket)
            {
                _id = (int)((StatsAggregator.BucketStart(t, _bucket) - _first) / _bucket);
                _end = _first + ((_id + 1) * _bucket);
            }
            return _id;
        }

        public override (string Text, ValueKind Kind) KeyOf(int id) => (Timestamps.FormatRfc3339(_first + (id * _bucket)), ValueKind.String);

        /// <summary>Adds to <paramref name="rows"/>[id] the number of rows of each bucket, all rows counting: times ascend, so each bucket's end is found by bisection.</summary>
        public void CountAll(long[] rows)
        {
            var from = 0;
            for (var id = 0; id < _count; id++)
            {
                var to = id == _count - 1 ? _times.Length : FirstAtOrAfter(_first + ((id + 1) * _bucket), from);
                rows[id] += to - from;
                from = to;
            }
        }

        private int FirstAtOrAfter(long time, int from)
        {
            var lo = from;
            var hi = _times.Length;
            while (lo < hi)
            {
                var mid = lo + ((hi - lo) >> 1);
                if (_times[mid] < time)
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
}
