namespace Vigie.Query.Engine;

/// <summary>What the events matching a query hold in one field: how many have it, and its most frequent values.</summary>
public sealed record FieldSummary(string Name, long Count, long DistinctValues, bool DistinctIsLowerBound, IReadOnlyList<(string Value, long Count)> TopValues);
