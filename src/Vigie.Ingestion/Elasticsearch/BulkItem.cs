namespace Vigie.Ingestion.Elasticsearch;

/// <summary>The outcome of one bulk action, as the bulk answer reports it.</summary>
/// <param name="Action">index, create, update or delete.</param>
/// <param name="Index">The target index (the URL's when the action names none).</param>
/// <param name="Id">The client's document id; null when it gave none (the answer makes one up).</param>
/// <param name="Status">201 created, 400 when the document was rejected.</param>
/// <param name="Error">Why it was rejected; null when stored.</param>
public readonly record struct BulkItem(string Action, string Index, string? Id, int Status, string? Error);
