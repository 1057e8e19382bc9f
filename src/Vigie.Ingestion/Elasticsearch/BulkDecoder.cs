using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Vigie.Core;
using Vigie.Ingestion.Protocols;

namespace Vigie.Ingestion.Elasticsearch;

/// <summary>
/// Decodes an Elasticsearch <c>_bulk</c> body: NDJSON pairs of an action line (<c>index</c>,
/// <c>create</c>; <c>update</c> and <c>delete</c> are answered as errors, logs are append-only) and a
/// document line. <c>@timestamp</c> becomes <c>_time</c>, <c>message</c> becomes <c>_msg</c>, and the
/// index name is kept in the <c>_index</c> field.
/// </summary>
public sealed class BulkDecoder
{
    public const string IndexField = "_index";

    private static readonly JsonFieldMap Map = new(
        ["@timestamp", "timestamp"],
        new Dictionary<string, string> { ["message"] = FieldNames.Message },
        levelFields: ["level", "log.level", "severity", "loglevel"]);

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 128 };

    // The flattener and its name cache outlive the request: each thread keeps one, taken while a
    // (synchronous) decode runs.
    [ThreadStatic]
    private static JsonFlattener? t_flattener;

    private JsonFlattener _flattener = null!;
    private readonly StreamFields _streams;
    private readonly long _nowNs;
    private string? _lastIndex;
    private byte[] _lastIndexUtf8 = [];

    // Shippers repeat one action line ({"index":{"_index":"logs"}}): parsed once per request.
    private byte[] _lastActionLine = new byte[64];
    private int _lastActionLength = -1;
    private PendingAction _lastAction;

    private int _indexFieldId;
    private string? _valueIndex;
    private byte[] _valueIndexUtf8 = [];

    public BulkDecoder(StreamFields streams, long nowNs)
    {
        _streams = streams;
        _nowNs = nowNs;
    }

    /// <summary>
    /// Adds the documents of <paramref name="body"/> to <paramref name="batch"/> and one entry per action
    /// to <paramref name="items"/>. <paramref name="defaultIndex"/> is the index of the URL
    /// (<c>/{index}/_bulk</c>), used when an action names none.
    /// </summary>
    public void Decode(ReadOnlySpan<byte> body, string? defaultIndex, EventBatch batch, List<BulkItem> items, DecodeReport report)
    {
        Take(batch);
        try
        {
            DecodeLines(body, defaultIndex, batch, items, report);
        }
        finally
        {
            Give();
        }
    }

    private void Take(EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _flattener = t_flattener ?? new JsonFlattener();
        t_flattener = null;
        _indexFieldId = batch.InternName(IndexField);
        _lastActionLength = -1;
    }

    private void Give()
    {
        _flattener.Release();
        t_flattener = _flattener;
    }

    private void DecodeLines(ReadOnlySpan<byte> body, string? defaultIndex, EventBatch batch, List<BulkItem> items, DecodeReport report)
    {
        var lineNumber = 0;
        var position = 0;
        PendingAction? pending = null;
        while (position < body.Length)
        {
            var newline = body[position..].IndexOf((byte)'\n');
            var line = newline < 0 ? body[position..] : body.Slice(position, newline);
            position = newline < 0 ? body.Length : position + newline + 1;
            lineNumber++;
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }
            if (line.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }
            if (pending is { } action)
            {
                pending = null;
                AddDocument(line, lineNumber, action, batch, items, report);
                continue;
            }
            PendingAction? parsed;
            if (line.Length == _lastActionLength && line.SequenceEqual(_lastActionLine.AsSpan(0, _lastActionLength)))
            {
                parsed = _lastAction;
            }
            else
            {
                parsed = ParseAction(line, lineNumber, defaultIndex, report, items);
                if (parsed is null)
                {
                    continue;
                }
                RememberAction(line, parsed.Value);
            }
            if (parsed.Value.Action == "delete")
            {
                items.Add(new BulkItem("delete", parsed.Value.Index, parsed.Value.Id, 400, "delete is not supported: logs are append-only"));
                report.Reject($"line {lineNumber}: delete is not supported");
                continue;
            }
            pending = parsed;
        }
        if (pending is { } last)
        {
            items.Add(new BulkItem(last.Action, last.Index, last.Id, 400, "the action line has no document line after it"));
            report.Reject($"line {lineNumber}: the action line has no document line after it");
        }
    }

    /// <summary>
    /// Adds the one document of the single-document APIs (<c>/{index}/_doc</c>, <c>/{index}/_create/{id}</c>),
    /// which may span lines.
    /// </summary>
    public void DecodeDocument(ReadOnlySpan<byte> document, string action, string index, string? id, EventBatch batch, List<BulkItem> items, DecodeReport report)
    {
        Take(batch);
        try
        {
            AddDocument(document, 1, new PendingAction(action, index, id), batch, items, report);
        }
        finally
        {
            Give();
        }
    }

    private void RememberAction(ReadOnlySpan<byte> line, PendingAction action)
    {
        if (line.Length > 1024)
        {
            return;
        }
        if (line.Length > _lastActionLine.Length)
        {
            _lastActionLine = new byte[Math.Max(line.Length, _lastActionLine.Length * 2)];
        }
        line.CopyTo(_lastActionLine);
        _lastActionLength = line.Length;
        _lastAction = action;
    }

    private ReadOnlySpan<byte> IndexUtf8(string index)
    {
        if (!ReferenceEquals(index, _valueIndex))
        {
            _valueIndexUtf8 = Encoding.UTF8.GetBytes(index);
            _valueIndex = index;
        }
        return _valueIndexUtf8;
    }

    private PendingAction? ParseAction(ReadOnlySpan<byte> line, int lineNumber, string? defaultIndex, DecodeReport report, List<BulkItem> items)
    {
        try
        {
            var reader = new Utf8JsonReader(line, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
            {
                return Malformed(lineNumber, "expected an action object like {\"index\":{}}", defaultIndex, report, items);
            }
            var action = reader.ValueTextEquals("index"u8) ? "index"
                : reader.ValueTextEquals("create"u8) ? "create"
                : reader.ValueTextEquals("update"u8) ? "update"
                : reader.ValueTextEquals("delete"u8) ? "delete"
                : null;
            if (action is null)
            {
                return Malformed(lineNumber, $"unknown bulk action \"{reader.GetString()}\"", defaultIndex, report, items);
            }
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Malformed(lineNumber, $"the {action} action must hold an object", defaultIndex, report, items);
            }
            string? index = null;
            string? id = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("_index"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    index = IndexName(ref reader);
                }
                else if (reader.ValueTextEquals("_id"u8) && reader.Read() && reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
                {
                    id = reader.TokenType == JsonTokenType.String ? reader.GetString() : Encoding.UTF8.GetString(reader.ValueSpan);
                }
                else
                {
                    // _type (older clients, rsyslog), pipeline, routing, require_alias...: accepted, not needed.
                    reader.Read();
                    reader.Skip();
                }
            }
            index ??= defaultIndex;
            if (index is null)
            {
                return Malformed(lineNumber, "no index: name it in the action (\"_index\") or the URL (/{index}/_bulk)", "", report, items);
            }
            return new PendingAction(action, index, id);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Malformed(lineNumber, "invalid JSON in the action line: " + Reason(e), defaultIndex, report, items);
        }
    }

    private PendingAction? Malformed(int lineNumber, string reason, string? index, DecodeReport report, List<BulkItem> items)
    {
        // Without a valid action the pairing of lines is lost; the line is answered alone, as
        // Elasticsearch answers a whole bulk with 400 where we keep the good items.
        items.Add(new BulkItem("index", index ?? "", null, 400, reason));
        report.Reject($"line {lineNumber}: {reason}");
        return null;
    }

    private string IndexName(ref Utf8JsonReader reader)
    {
        // Bulk bodies repeat one index: keep its string rather than make one per action.
        if (!reader.ValueIsEscaped && _lastIndex is not null && reader.ValueSpan.SequenceEqual(_lastIndexUtf8))
        {
            return _lastIndex;
        }
        _lastIndex = reader.GetString()!;
        _lastIndexUtf8 = Encoding.UTF8.GetBytes(_lastIndex);
        return _lastIndex;
    }

    private void AddDocument(ReadOnlySpan<byte> line, int lineNumber, PendingAction action, EventBatch batch, List<BulkItem> items, DecodeReport report)
    {
        var id = action.Id;
        if (action.Action == "update")
        {
            items.Add(new BulkItem(action.Action, action.Index, id, 400, "update is not supported: logs are append-only"));
            report.Reject($"line {lineNumber}: update is not supported");
            return;
        }
        if (!Utf8.IsValid(line))
        {
            items.Add(new BulkItem(action.Action, action.Index, id, 400, "the document is not valid UTF-8"));
            report.Reject($"line {lineNumber}: the document is not valid UTF-8");
            return;
        }
        batch.BeginEvent(_nowNs);
        try
        {
            var reader = new Utf8JsonReader(line, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                batch.CancelEvent();
                items.Add(new BulkItem(action.Action, action.Index, id, 400, "the document is not a JSON object"));
                report.Reject($"line {lineNumber}: the document is not a JSON object");
                return;
            }
            _flattener.AddObject(ref reader, line, batch, Map);
            batch.AddField(_indexFieldId, ValueKind.String, IndexUtf8(action.Index));
            batch.EndEvent(_streams);
            items.Add(new BulkItem(action.Action, action.Index, id, 201, null));
            report.Accept();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            batch.CancelEvent();
            var reason = "invalid JSON in the document: " + Reason(e);
            items.Add(new BulkItem(action.Action, action.Index, id, 400, reason));
            report.Reject($"line {lineNumber}: {reason}");
        }
    }

    private static string Reason(Exception e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }

    private readonly record struct PendingAction(string Action, string Index, string? Id);
}
