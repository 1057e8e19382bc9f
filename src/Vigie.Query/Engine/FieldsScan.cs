using Vigie.Core;
using Vigie.Storage.Store;

namespace Vigie.Query.Engine;

/// <summary>
/// Counts, per field, the matching events that have it and its most frequent values (for the UI's
/// field sidebar). Values are counted exactly up to a cap of distinct values per field, beyond
/// which only the count of events goes on.
/// </summary>
internal static class FieldsScan
{
    private const int MaxTrackedValues = 1000;

    public static (long Events, IReadOnlyList<FieldSummary> Fields) Run(LogStore store, ScanPlan plan, StoreSnapshot snapshot, int topValues, CancellationToken cancellationToken)
    {
        var total = new Tally();
        Parallel.ForEach(
            plan.CandidateBlocks(snapshot),
            new ParallelOptions { CancellationToken = cancellationToken },
            () => new Tally(),
            (block, _, local) =>
            {
                if (BlockScanner.Scan(store, plan, block, columns: null) is var (context, mask, matches))
                {
                    local.Events += matches;
                    foreach (var column in context.Data!.Columns)
                    {
                        var field = local.For(column.Name);
                        for (var r = 0; r < mask.Length; r++)
                        {
                            if (mask[r] && column.Has(r))
                            {
                                field.Count++;
                                field.AddValue(column.GetString(r), 1);
                            }
                        }
                    }
                    var stream = local.For(FieldNames.Stream);
                    stream.Count += matches;
                    stream.AddValue(context.Data.Stream.Text, matches);
                }
                return local;
            },
            local =>
            {
                lock (total)
                {
                    total.Merge(local);
                }
            });
        var fields = total.Fields
            .OrderByDescending(f => f.Value.Count).ThenBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => new FieldSummary(f.Key, f.Value.Count, f.Value.Values.Count, f.Value.Overflowed,
                [.. f.Value.Values.OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal).Take(topValues).Select(v => (v.Key, v.Value))]))
            .ToList();
        return (total.Events, fields);
    }

    private sealed class Tally
    {
        public long Events;

        public Dictionary<string, FieldTally> Fields { get; } = new(StringComparer.Ordinal);

        public FieldTally For(string name)
        {
            if (!Fields.TryGetValue(name, out var f))
            {
                f = new FieldTally();
                Fields.Add(name, f);
            }
            return f;
        }

        public void Merge(Tally other)
        {
            Events += other.Events;
            foreach (var (name, theirs) in other.Fields)
            {
                var mine = For(name);
                mine.Count += theirs.Count;
                mine.Overflowed |= theirs.Overflowed;
                foreach (var (value, count) in theirs.Values)
                {
                    mine.AddValue(value, count);
                }
            }
        }
    }

    private sealed class FieldTally
    {
        public long Count;
        public bool Overflowed;

        public Dictionary<string, long> Values { get; } = new(StringComparer.Ordinal);

        public void AddValue(string value, long count)
        {
            if (Values.TryGetValue(value, out var n))
            {
                Values[value] = n + count;
            }
            else if (Values.Count < MaxTrackedValues)
            {
                Values.Add(value, count);
            }
            else
            {
                Overflowed = true;
            }
        }
    }
}
