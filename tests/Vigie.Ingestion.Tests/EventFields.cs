using Vigie.Core;

namespace Vigie.Ingestion.Tests;

internal static class EventFields
{
    /// <summary>The text of a field, null when the event lacks it.</summary>
    public static string? Field(this LogEvent e, string name) => e.Get(name)?.Text;

    /// <summary>Everything about an event as one comparable string.</summary>
    public static string Describe(this LogEvent e) =>
        $"{e.TimeNs} {e.Stream.Text} " + string.Join(" ", e.Fields.Select(f => $"{f.Key}:{f.Value.Kind}={f.Value.Text}"));
}
