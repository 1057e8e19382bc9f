using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Vigie.Ingestion.Elasticsearch;

/// <summary>
/// Writes the answer of a <c>_bulk</c> request as Elasticsearch does: <c>took</c>, <c>errors</c> and one
/// item per action with its status (and a made-up <c>_id</c> for documents sent without one).
/// </summary>
/// <remarks>
/// The items of a bulk request differ in little but their id and sequence number, so they are written
/// from fixed UTF-8 pieces (the JSON <see cref="Utf8JsonWriter"/> would write, byte for byte) rather
/// than property by property; the index and action are escaped once per request, not per item.
/// </remarks>
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
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(items);
        var writer = new Writer(output);
        writer.Raw("{\"took\":"u8);
        writer.Number(tookMs);
        writer.Raw(errors ? ",\"errors\":true,\"items\":["u8 : ",\"errors\":false,\"items\":["u8);
        // Ids for documents sent without one: unique per request (its start time) and item.
        Span<byte> idPrefix = stackalloc byte[24];
        requestStamp.TryFormat(idPrefix, out var prefixLength, "x", CultureInfo.InvariantCulture);
        idPrefix[prefixLength++] = (byte)'-';
        idPrefix = idPrefix[..prefixLength];
        string? action = null, index = null;
        byte[] actionJson = [], indexJson = [];
        var seq = 0L;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (!ReferenceEquals(item.Action, action))
            {
                actionJson = JsonEncodedText.Encode(item.Action).EncodedUtf8Bytes.ToArray();
                action = item.Action;
            }
            if (!ReferenceEquals(item.Index, index))
            {
                indexJson = JsonEncodedText.Encode(item.Index).EncodedUtf8Bytes.ToArray();
                index = item.Index;
            }
            writer.Raw(i == 0 ? "{\""u8 : ",{\""u8);
            writer.Raw(actionJson);
            writer.Raw("\":{\"_index\":\""u8);
            writer.Raw(indexJson);
            writer.Raw("\",\"_id\":\""u8);
            if (item.Id is { } given)
            {
                writer.Raw(JsonEncodedText.Encode(given).EncodedUtf8Bytes);
            }
            else
            {
                writer.Raw(idPrefix);
                writer.Hex(i);
            }
            writer.Raw("\",\"status\":"u8);
            writer.Number(item.Status);
            if (item.Error is null)
            {
                writer.Raw(",\"_version\":1,\"result\":\"created\",\"_shards\":{\"total\":1,\"successful\":1,\"failed\":0},\"_seq_no\":"u8);
                writer.Number(seq++);
                writer.Raw(",\"_primary_term\":1}}"u8);
            }
            else
            {
                writer.Raw(",\"error\":{\"type\":\"document_parsing_exception\",\"reason\":\""u8);
                writer.Raw(JsonEncodedText.Encode(item.Error).EncodedUtf8Bytes);
                writer.Raw("\"}}}"u8);
            }
        }
        writer.Raw("]}"u8);
        writer.Commit();
    }

    /// <summary>Appends to an <see cref="IBufferWriter{T}"/> through the span it last gave.</summary>
    private ref struct Writer(IBufferWriter<byte> output)
    {
        private Span<byte> _span;
        private int _written;

        public void Raw(scoped ReadOnlySpan<byte> bytes)
        {
            Room(bytes.Length);
            bytes.CopyTo(_span[_written..]);
            _written += bytes.Length;
        }

        public void Number(long value)
        {
            Room(20);
            value.TryFormat(_span[_written..], out var n, default, CultureInfo.InvariantCulture);
            _written += n;
        }

        public void Hex(int value)
        {
            Room(8);
            value.TryFormat(_span[_written..], out var n, "x", CultureInfo.InvariantCulture);
            _written += n;
        }

        public void Commit()
        {
            if (_written > 0)
            {
                output.Advance(_written);
                _written = 0;
            }
            _span = default;
        }

        private void Room(int bytes)
        {
            if (_span.Length - _written < bytes)
            {
                Commit();
                _span = output.GetSpan(Math.Max(bytes, 16 * 1024));
            }
        }
    }
}
