using Vigie.Core;
using Vigie.Query.Pipes.Stats;
using Vigie.Query.Rows;
using Vigie.Query.Syntax;

namespace Vigie.Query.Pipes;

/// <summary>
/// Executes a stats pipe. Rows are grouped by the texts of the <c>by</c> fields (a missing field counts
/// as <c>""</c>; <c>_time:1h</c> as the RFC 3339 start of the hour). Output: one row per group, ordered by
/// the group texts (ordinal), so the result does not depend on the order rows arrive in; without
/// <c>by</c>, exactly one row, even with no input.
/// </summary>
public sealed class StatsAggregator
{
    private readonly StatsPipe _pipe;
    private readonly Dictionary<string[], Group> _groups = new(GroupKeyComparer.Instance);

    public StatsAggregator(StatsPipe pipe)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        _pipe = pipe;
        if (pipe.By.Count == 0)
        {
            _groups.Add([], NewGroup(0));
        }
    }

    public void Add(IRow row)
    {
        var by = _pipe.By;
        var key = new string[by.Count];
        var kinds = new ValueKind[by.Count];
        for (var i = 0; i < by.Count; i++)
        {
            (key[i], kinds[i]) = KeyOf(row, by[i]);
        }
        var stats = GroupFor(key, kinds);
        var functions = _pipe.Functions;
        for (var f = 0; f < functions.Count; f++)
        {
            var field = functions[f].Field;
            stats[f].Add(field is null ? null : RowValues.TextOf(row.Get(field)));
        }
    }

    /// <summary>
    /// The accumulators of a group (one per function, in order), created on first use. For callers
    /// that compute group keys themselves (the engine, column by column); <paramref name="key"/> is
    /// kept, so it must not be changed afterwards.
    /// </summary>
    public StatAccumulator[] GroupFor(string[] key, ValueKind[] kinds)
    {
        if (!_groups.TryGetValue(key, out var group))
        {
            group = NewGroup(key.Length);
            kinds.CopyTo(group.Kinds, 0);
            _groups.Add(key, group);
        }
        else
        {
            MergeKinds(group.Kinds, kinds);
        }
        return group.Stats;
    }

    /// <summary>Folds in an aggregator of the same pipe (e.g. one per partition scanned in parallel).</summary>
    public void Merge(StatsAggregator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (key, theirs) in other._groups)
        {
            if (!_groups.TryGetValue(key, out var mine))
            {
                mine = NewGroup(key.Length);
                theirs.Kinds.CopyTo(mine.Kinds, 0);
                _groups.Add(key, mine);
            }
            else
            {
                MergeKinds(mine.Kinds, theirs.Kinds);
            }
            for (var f = 0; f < mine.Stats.Length; f++)
            {
                mine.Stats[f].Merge(theirs.Stats[f]);
            }
        }
    }

    public IReadOnlyList<ResultRow> Finish()
    {
        var rows = new List<ResultRow>(_groups.Count);
        foreach (var (key, group) in _groups.OrderBy(g => g.Key, GroupKeyComparer.Instance))
        {
            var columns = new List<KeyValuePair<string, FieldValue>>(key.Length + group.Stats.Length);
            for (var i = 0; i < key.Length; i++)
            {
                columns.Add(new(_pipe.By[i].Field, new FieldValue(group.Kinds[i], key[i])));
            }
            for (var f = 0; f < group.Stats.Length; f++)
            {
                columns.Add(new(_pipe.Functions[f].ResultName, group.Stats[f].Finish()));
            }
            rows.Add(new ResultRow(columns));
        }
        return rows;
    }

    /// <summary>The bucket start of a time: floor(t / bucket) × bucket, also for times before 1970.</summary>
    public static long BucketStart(long timeNs, long bucketNs)
    {
        var start = timeNs / bucketNs * bucketNs;
        return start > timeNs ? start - bucketNs : start;
    }

    private static (string Text, ValueKind Kind) KeyOf(IRow row, GroupKey key)
    {
        if (key.BucketNs is { } bucket)
        {
            return row.TimeNs is { } t ? (Timestamps.FormatRfc3339(BucketStart(t, bucket)), ValueKind.String) : ("", ValueKind.String);
        }
        return row.Get(key.Field) is { Kind: not ValueKind.Absent } v ? (v.Text, v.Kind) : ("", ValueKind.String);
    }

    // The output kind of a group value is the lowest kind seen (a string "500" beats a number 500), so it
    // does not depend on which row came first.
    private static void MergeKinds(ValueKind[] into, ValueKind[] from)
    {
        for (var i = 0; i < into.Length; i++)
        {
            if (from[i] < into[i])
            {
                into[i] = from[i];
            }
        }
    }

    private Group NewGroup(int keyCount) =>
        new([.. _pipe.Functions.Select(StatAccumulators.Create)], new ValueKind[keyCount]);

    private sealed record Group(StatAccumulator[] Stats, ValueKind[] Kinds);
}
