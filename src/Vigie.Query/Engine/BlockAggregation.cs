using System.Text;
using Vigie.Core;
using Vigie.Query.Pipes;
using Vigie.Query.Pipes.Stats;
using Vigie.Query.Syntax;
using Vigie.Storage.Blocks;

namespace Vigie.Query.Engine;

/// <summary>
/// Feeds the matching rows of a block to a <see cref="StatsAggregator"/> column by column, with the
/// same keys and values the row-by-row path would give, but without materialising rows. When every
/// key has few values known ahead (<see cref="KeyColumn"/>), rows are grouped by small integer ids;
/// otherwise keys are compared as texts, and since rows of a block share a stream and are sorted by
/// time, consecutive rows mostly repeat the previous group, which is then reused.
/// </summary>
internal sealed class BlockAggregation(StatsPipe stats, StatsAggregator into)
{
    /// <summary>
    /// Above this many possible groups in one block, the text path is used: the per-block tables of
    /// groups and counts are allocated at this size, which must stay small beside a block's rows.
    /// </summary>
    private const int MaxKeyCombinations = 4096;

    private readonly GroupKey[] _by = [.. stats.By];
    private readonly string?[] _functionFields = [.. stats.Functions.Select(f => f.Field)];

    /// <summary>Feeds the rows of <paramref name="block"/> whose <paramref name="mask"/> entry is set.</summary>
    public void Add(ColumnarBlock block, bool[] mask)
    {
        var keys = new KeyColumn[_by.Length];
        long combinations = 1;
        for (var k = 0; k < _by.Length; k++)
        {
            if (KeyColumn.For(block, _by[k]) is not { } key || (combinations *= key.Cardinality) > MaxKeyCombinations)
            {
                AddByText(block, mask);
                return;
            }
            keys[k] = key;
        }
        AddByIds(block, mask, keys, (int)combinations);
    }

    /// <summary>
    /// The fast path: every key column is constant, a dictionary or a time bucket, so a row's group is
    /// a small number computed from codes; each group's texts are built once per block, and values are
    /// fed from the columns' stored forms (numbers, dictionary entries) without texts where possible.
    /// </summary>
    private void AddByIds(ColumnarBlock block, bool[] mask, KeyColumn[] keys, int combinations)
    {
        var groups = new StatAccumulator[]?[combinations];
        var rows = new long[combinations];
        var feeds = new ValueFeed[_functionFields.Length];
        for (var f = 0; f < feeds.Length; f++)
        {
            feeds[f] = ValueFeed.For(block, _functionFields[f]);
        }
        var countsOnly = feeds.All(feed => feed.Mode == FeedMode.Absent);
        // a histogram of a block that matches whole: no row needs looking at
        var counted = countsOnly && keys is [KeyColumn.TimeBuckets] && !mask.AsSpan().Contains(false);
        if (counted)
        {
            ((KeyColumn.TimeBuckets)keys[0]).CountAll(rows);
        }
        else if (combinations == 1 && !countsOnly)
        {
            // one group for the whole block: each function takes its column in one call
            var matched = mask.AsSpan().Count(true);
            if (matched > 0)
            {
                var group = groups[0] = GroupOf(keys, 0);
                for (var f = 0; f < feeds.Length; f++)
                {
                    feeds[f].FeedAll(group[f], mask);
                }
                rows[0] = matched;
            }
            counted = true;
        }
        for (var r = 0; !counted && r < mask.Length; r++)
        {
            if (!mask[r])
            {
                continue;
            }
            var id = 0;
            for (var k = 0; k < keys.Length; k++)
            {
                id = (id * keys[k].Cardinality) + keys[k].IdAt(r);
            }
            rows[id]++;
            if (countsOnly)
            {
                continue;
            }
            var group = groups[id] ??= GroupOf(keys, id);
            for (var f = 0; f < feeds.Length; f++)
            {
                feeds[f].Feed(group[f], r);
            }
        }
        for (var id = 0; id < combinations; id++)
        {
            if (rows[id] == 0)
            {
                continue;
            }
            var group = groups[id] ??= GroupOf(keys, id);
            for (var f = 0; f < feeds.Length; f++)
            {
                if (feeds[f].Mode == FeedMode.Absent)
                {
                    group[f].AddAbsent(rows[id]);
                }
            }
        }
    }

    private StatAccumulator[] GroupOf(KeyColumn[] keys, int id)
    {
        var texts = new string[keys.Length];
        var kinds = new ValueKind[keys.Length];
        for (var k = keys.Length - 1; k >= 0; k--)
        {
            (texts[k], kinds[k]) = keys[k].KeyOf(id % keys[k].Cardinality);
            id /= keys[k].Cardinality;
        }
        return into.GroupFor(texts, kinds);
    }

    /// <summary>The general path: keys compared as texts, row after row.</summary>
    private void AddByText(ColumnarBlock block, bool[] mask)
    {
        var byColumns = _by.Select(k => k.BucketNs is null ? Source.For(block, k.Field) : null).ToArray();
        var valueColumns = _functionFields.Select(f => f is null ? null : Source.For(block, f)).ToArray();
        var key = new string[_by.Length];
        var kinds = new ValueKind[_by.Length];
        StatAccumulator[]? group = null;
        var bucketStart = long.MinValue;
        for (var r = 0; r < mask.Length; r++)
        {
            if (!mask[r])
            {
                continue;
            }
            var changed = group is null;
            for (var k = 0; k < _by.Length; k++)
            {
                if (_by[k].BucketNs is { } bucket)
                {
                    var start = StatsAggregator.BucketStart(block.Times[r], bucket);
                    if (start != bucketStart || group is null)
                    {
                        bucketStart = start;
                        key[k] = Timestamps.FormatRfc3339(start);
                        kinds[k] = ValueKind.String;
                        changed = true;
                    }
                }
                else if (byColumns[k]!.Move(r))
                {
                    (key[k], kinds[k]) = byColumns[k]!.Current is { } v ? (v.Text, v.Kind) : ("", ValueKind.String);
                    changed = true;
                }
            }
            if (changed)
            {
                group = into.GroupFor([.. key], kinds);
            }
            for (var f = 0; f < _functionFields.Length; f++)
            {
                var source = valueColumns[f];
                if (source is null)
                {
                    group![f].Add(null);
                }
                else if (source.Column is { } column)
                {
                    // stored values go to the accumulator as bytes: numbers are parsed without a string
                    if (column.Has(r))
                    {
                        group![f].AddUtf8(column.GetValue(r));
                    }
                    else
                    {
                        group![f].Add(null);
                    }
                }
                else
                {
                    source.Move(r);
                    group![f].Add(source.Current?.Text);
                }
            }
        }
    }

    /// <summary>The values of one field down a block, decoding a value only when its bytes differ from the previous row's.</summary>
    private sealed class Source
    {
        private readonly Column? _column;
        private readonly FieldValue? _constant;
        private readonly ColumnarBlock? _timeBlock;
        private int _row = -1;

        private Source(Column? column, FieldValue? constant, ColumnarBlock? timeBlock = null)
        {
            _column = column;
            _constant = constant;
            _timeBlock = timeBlock;
        }

        public FieldValue? Current { get; private set; }

        /// <summary>The stored column, when the field is one (not <c>_stream</c> or <c>_time</c>).</summary>
        public Column? Column => _column;

        public static Source For(ColumnarBlock block, string field) => field switch
        {
            FieldNames.Stream => new Source(null, FieldValue.Str(block.Stream.Text)),
            FieldNames.Time => new Source(null, null, timeBlock: block),
            _ => new Source(block.GetColumn(field), null),
        };

        /// <summary>Moves to row <paramref name="row"/>; returns whether <see cref="Current"/> changed.</summary>
        public bool Move(int row)
        {
            var first = _row < 0;
            var previous = _row;
            _row = row;
            if (_timeBlock is not null)
            {
                Current = FieldValue.Str(Timestamps.FormatRfc3339(_timeBlock.Times[row]));
                return true;
            }
            if (_column is null)
            {
                Current = _constant;
                return first;
            }
            var kind = _column.Kinds[row];
            if (!first && kind == _column.Kinds[previous] && _column.GetValue(row).SequenceEqual(_column.GetValue(previous)))
            {
                return false;
            }
            Current = kind == ValueKind.Absent ? null : new FieldValue(kind, Encoding.UTF8.GetString(_column.GetValue(row)));
            return true;
        }
    }
}
