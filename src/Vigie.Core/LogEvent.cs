namespace Vigie.Core;

/// <summary>
/// One event, materialised: for results, tests and other cold paths. The write path uses
/// <see cref="EventBatch"/> instead.
/// </summary>
/// <param name="TimeNs">Nanoseconds since the Unix epoch, UTC.</param>
/// <param name="Stream">The stream the event belongs to.</param>
/// <param name="Fields">All fields, <c>_msg</c> included, in the order they arrived.</param>
public sealed record LogEvent(long TimeNs, StreamKey Stream, IReadOnlyList<KeyValuePair<string, FieldValue>> Fields)
{
    public string Message => Get(FieldNames.Message)?.Text ?? "";

    public FieldValue? Get(string name)
    {
        if (name == FieldNames.Stream)
        {
            return FieldValue.Str(Stream.Text);
        }
        if (name == FieldNames.Time)
        {
            return FieldValue.Str(Timestamps.FormatRfc3339(TimeNs));
        }
        foreach (var (n, v) in Fields)
        {
            if (n == name)
            {
                return v;
            }
        }
        return null;
    }
}
