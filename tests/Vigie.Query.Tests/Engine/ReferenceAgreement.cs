using Vigie.Core;
using Vigie.Query.Engine;
using Vigie.Query.Reference;
using Vigie.Query.Rows;

namespace Vigie.Query.Tests.Engine;

/// <summary>The engine checked against the reference evaluator: the same rows, in the same order, for one query.</summary>
internal static class ReferenceAgreement
{
    /// <summary>
    /// The engine's answer to <paramref name="text"/> equals the reference evaluator's over
    /// <paramref name="events"/> (the events the engine's store holds); <paramref name="context"/> is
    /// added to the failure's message (a seed, a count of parts).
    /// </summary>
    public static void AssertSameAnswer(QueryEngine engine, IReadOnlyList<LogEvent> events, string text, long now, string context = "")
    {
        var query = ParsedQuery.Parse(text);
        var expected = ReferenceEvaluator.Evaluate(query, events, now).Select(Canonical).ToList();
        var actual = engine.ExecuteAll(new QueryRequest(query, now)).Select(ResultRow.From).Select(Canonical).ToList();
        Assert.True(expected.SequenceEqual(actual), $"`{text}`{context}:\n expected {string.Join(" | ", expected)}\n actual   {string.Join(" | ", actual)}");
    }

    /// <summary>A row as text: every column's name, kind and value, in order.</summary>
    public static string Canonical(ResultRow row) => string.Join(", ", row.ColumnList.Select(c => $"{c.Key}={c.Value.Kind}:{c.Value.Text}"));
}
