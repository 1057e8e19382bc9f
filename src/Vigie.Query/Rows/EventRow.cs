using Vigie.Core;

namespace Vigie.Query.Rows;

/// <summary>
/// A stored event as a row: <c>_time</c> is its time as RFC 3339 text, <c>_stream</c> its stream key
/// text, other names its fields.
/// </summary>
public sealed class EventRow(LogEvent logEvent) : IRow
{
    public LogEvent Event { get; } = logEvent;

    public long? TimeNs => Event.TimeNs;

    public FieldValue? Get(string name) => Event.Get(name);

    public IEnumerable<KeyValuePair<string, FieldValue>> Columns
    {
        get
        {
            yield return new(FieldNames.Time, FieldValue.Str(Timestamps.FormatRfc3339(Event.TimeNs)));
            yield return new(FieldNames.Stream, FieldValue.Str(Event.Stream.Text));
            foreach (var pair in Event.Fields)
            {
                if (!FieldNames.IsReserved(pair.Key))
                {
                    yield return pair;
                }
            }
        }
    }
}
