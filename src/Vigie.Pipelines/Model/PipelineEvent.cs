using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Pipelines.Model;

/// <summary>
/// One event while pipelines work on it: mutable, fields in arrival order. Built only for events that
/// a pipeline's condition selects; the others are copied through as bytes.
/// </summary>
public sealed class PipelineEvent : IRow
{
    private readonly List<KeyValuePair<string, FieldValue>> _fields;

    public PipelineEvent(long timeNs, StreamKey stream, IEnumerable<KeyValuePair<string, FieldValue>> fields)
    {
        TimeNs = timeNs;
        Stream = stream;
        _fields = [.. fields];
    }

    public static PipelineEvent FromLogEvent(LogEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new PipelineEvent(e.TimeNs, e.Stream, e.Fields);
    }

    public long TimeNs { get; set; }

    long? IRow.TimeNs => TimeNs;

    public StreamKey Stream { get; set; }

    /// <summary>Set by <c>drop</c>: the event is not stored.</summary>
    public bool Dropped { get; set; }

    public IReadOnlyList<KeyValuePair<string, FieldValue>> Fields => _fields;

    public string Message => GetText(FieldNames.Message) ?? "";

    public IEnumerable<KeyValuePair<string, FieldValue>> Columns
    {
        get
        {
            yield return new(FieldNames.Time, FieldValue.Str(Timestamps.FormatRfc3339(TimeNs)));
            foreach (var pair in _fields)
            {
                yield return pair;
            }
        }
    }

    public FieldValue? Get(string name)
    {
        if (name == FieldNames.Time)
        {
            return FieldValue.Str(Timestamps.FormatRfc3339(TimeNs));
        }
        if (name == FieldNames.Stream)
        {
            return FieldValue.Str(Stream.Text);
        }
        var i = IndexOf(name);
        return i < 0 ? null : _fields[i].Value;
    }

    public string? GetText(string name) => Get(name)?.Text;

    public bool Has(string name) => IndexOf(name) >= 0;

    /// <summary>Sets a field, replacing its value in place when it exists (its position is kept).</summary>
    public void Set(string name, FieldValue value)
    {
        if (name == FieldNames.Time)
        {
            if (Timestamps.TryParseRfc3339(value.Text, out var ns))
            {
                TimeNs = ns;
            }
            return;
        }
        if (name == FieldNames.Stream)
        {
            return;
        }
        var i = IndexOf(name);
        if (i >= 0)
        {
            _fields[i] = new(name, value);
        }
        else
        {
            _fields.Add(new(name, value));
        }
    }

    public void Set(string name, string text) => Set(name, FieldValue.Str(text));

    public bool Remove(string name)
    {
        var i = IndexOf(name);
        if (i < 0)
        {
            return false;
        }
        _fields.RemoveAt(i);
        return true;
    }

    public bool Rename(string from, string to)
    {
        var i = IndexOf(from);
        if (i < 0)
        {
            return false;
        }
        var value = _fields[i].Value;
        _fields.RemoveAt(i);
        Set(to, value);
        return true;
    }

    /// <summary>A copy to go back to when a pipeline fails half-way.</summary>
    public PipelineEvent Clone() => new(TimeNs, Stream, _fields) { Dropped = Dropped };

    /// <summary>Becomes <paramref name="other"/> again (after a failure).</summary>
    public void RestoreFrom(PipelineEvent other)
    {
        ArgumentNullException.ThrowIfNull(other);
        TimeNs = other.TimeNs;
        Stream = other.Stream;
        Dropped = other.Dropped;
        _fields.Clear();
        _fields.AddRange(other._fields);
    }

    public LogEvent ToLogEvent() => new(TimeNs, Stream, [.. _fields]);

    private int IndexOf(string name)
    {
        for (var i = 0; i < _fields.Count; i++)
        {
            if (string.Equals(_fields[i].Key, name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
