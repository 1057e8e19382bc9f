using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Query.Engine;
using Vigie.Query.Reference;
using Vigie.Query.Rows;
using Vigie.Storage.Store;

namespace Vigie.Query.Tests.Engine;

/// <summary>
/// The engine, running over real parts on disk (several parts, several day partitions, merged or
/// not), must give exactly the reference evaluator's answer for random queries over random events.
/// </summary>
public sealed class EngineDifferentialTests
{
    [Fact]
    public void Execute_RandomQueriesOverRandomEvents_EqualsReferenceEvaluator()
    {
        var cases = Gen.Zip(DifferentialData.Datasets, DifferentialData.Queries.ListOf(12)).ToArbitrary();
        Prop.ForAll(cases, c => CheckDataset(c.Item1, c.Item2))
            .QuickCheckThrowOnFailure();
    }

    private static void CheckDataset(DifferentialData.Dataset data, IEnumerable<DifferentialData.QueryCase> queries)
    {
        using var dir = new TempDirectory();
        using (var store = LogStore.Open(new StoreOptions { DataDirectory = dir.Path, BackgroundMerges = false, FlushInterval = TimeSpan.FromHours(1) }))
        {
            Load(store, data);
            var engine = new QueryEngine(store);
            foreach (var q in queries)
            {
                var query = ParsedQuery.Parse(q.Text);
                var request = new QueryRequest(query, DifferentialData.Now, q.Start, q.End, q.Limit);
                IEnumerable<ResultRow> expected = ReferenceEvaluator.Evaluate(query, data.Events, DifferentialData.Now, q.Start, q.End);
                if (q.Limit is { } limit)
                {
                    expected = expected.Take(limit);
                }
                var actual = engine.ExecuteAll(request).Select(ResultRow.From).ToList();
                var expectedList = expected.ToList();
                var context = $"query `{q.Text}` start={q.Start} end={q.End} limit={q.Limit} over {data.Events.Count} events in {data.Parts} parts (merged: {data.Merge})";
                Assert.True(expectedList.Count == actual.Count, $"{context}: expected {expectedList.Count} rows, got {actual.Count}");
                for (var i = 0; i < actual.Count; i++)
                {
                    Assert.True(Canonical(expectedList[i]) == Canonical(actual[i]), $"{context}: row {i} differs:\n expected {expectedList[i]}\n actual   {actual[i]}");
                }
            }
        }
    }

    private static void Load(LogStore store, DifferentialData.Dataset data)
    {
        var chunk = Math.Max(1, (data.Events.Count + data.Parts - 1) / data.Parts);
        foreach (var part in data.Events.Chunk(chunk))
        {
            var batch = new EventBatch();
            foreach (var e in part)
            {
                batch.Add(e);
            }
            store.AppendAsync(batch).GetAwaiter().GetResult();
            store.FlushAsync().GetAwaiter().GetResult();
        }
        if (data.Merge)
        {
            while (store.MergeOnceAsync(force: true).GetAwaiter().GetResult())
            {
            }
        }
    }

    /// <summary>Event rows list their fields in storage order; compare them by name. Result rows keep their order.</summary>
    private static string Canonical(ResultRow row)
    {
        var columns = row.ColumnList;
        var isEvent = columns.Any(c => c.Key == FieldNames.Stream) || columns.Count == 0 || columns[0].Key == FieldNames.Time;
        var ordered = isEvent ? columns.OrderBy(c => c.Key, StringComparer.Ordinal) : columns.AsEnumerable();
        return string.Join(", ", ordered.Select(c => $"{c.Key}={c.Value.Kind}:{c.Value.Text}"));
    }
}
