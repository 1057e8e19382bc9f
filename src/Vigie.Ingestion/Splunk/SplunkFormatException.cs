namespace Vigie.Ingestion.Splunk;

/// <summary>A HEC body with a bad event; HEC answers code 6 with the event's number.</summary>
public sealed class SplunkFormatException(int eventIndex, string reason)
    : FormatException($"event {eventIndex}: {reason}")
{
    public int EventIndex { get; } = eventIndex;

    public string Reason { get; } = reason;
}
