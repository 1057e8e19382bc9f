using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Vigie.Ingestion.Elasticsearch;

/// <summary>
/// Writes the answer of a <c>_bulk</c> request as Elasticsearch does: <c>took</c>, <c>errors</c> and one
/// item per action with its status (and a made-up <c>_id</c> for documents sent without one).
/// </summary>
public static class BulkAnswer
{
    /// <summary>Writes the whole answer into <paramref name="output"/>.</summary>
    /// <param name="output">Where the JSON goes (the response's pipe).</param>
    /// <param name="items">One per action, in the request's order.</param>
    /// <param name="errors">Whether any item was rejected.</param>
    /// <param name="tookMs">The request's duration.</param>
    /// <param name="requestStamp">Unique per request (its start time): the prefix of made-up ids.</param>
    public static void Write(IBufferWriter<byte> output, IReadOnlyList<BulkItem> items, bool errors, long tookMs, long requestStamp)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteNumber("took", tookMs);
        writer.WriteBoolean("errors", errors);
        writer.WriteStartArray("items");
        var seq = 0L;
        // Ids for documents sent without one: unique per request (its start time) and item, made as
        // they are written rather than kept as strings.
        var idPrefix = requestStamp.ToString("x", CultureInfo.InvariantCulture) + "-";
        var id = new char[64];
        var itemNumber = 0;
        foreach (var item in items)
        {
            writer.WriteStartObject();
            writer.WriteStartObject(item.Action);
            writer.WriteString("_index", item.Index);
            if (item.Id is { } given)
            {
                writer.WriteString("_id", given);
            }
            else
            {
                idPrefix.CopyTo(id);
                itemNumber.TryFormat(id.AsSpan(idPrefix.Length), out var digits, "x", CultureInfo.InvariantCulture);
                writer.WriteString("_id", id.AsSpan(0, idPrefix.Length + digits));
            }
            itemNumber++;
            writer.WriteNumber("status", item.Status);
            if (item.Error is null)
            {
                writer.WriteNumber("_version", 1);
                writer.WriteString("result", "created");
                writer.WriteStartObject("_shards");
                writer.WriteNumber("total", 1);
                writer.WriteNumber("successful", 1);
                writer.WriteNumber("failed", 0);
                writer.WriteEndObject();
                writer.WriteNumber("_seq_no", seq++);
                writer.WriteNumber("_primary_term", 1);
            }
            else
            {
                writer.WriteStartObject("error");
                writer.WriteString("type", "document_parsing_exception");
                writer.WriteString("reason", item.Error);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
            if (writer.BytesPending > 32 * 1024)
            {
                writer.Flush();
            }
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
    }
}
