namespace Vigie.Pipelines.Model;

/// <summary>
/// A small number for each field name a condition reads, shared by all conditions (built-in pipelines
/// are compiled once and shared by every configuration), so that <see cref="BatchEventRow"/> finds
/// all of them in one pass over an event. Names come from configuration only: the table stays small.
/// </summary>
internal static class ConditionSlots
{
    private static readonly Lock s_lock = new();
    private static volatile Dictionary<string, int> s_slots = new(StringComparer.Ordinal);

    public static int Count => s_slots.Count;

    /// <summary>The slot of <paramref name="name"/>, or -1 when no condition reads it.</summary>
    public static int Find(string name) => s_slots.TryGetValue(name, out var slot) ? slot : -1;

    /// <summary>The slot of <paramref name="name"/>, given one if it has none (configuration time).</summary>
    public static int Add(string name)
    {
        lock (s_lock)
        {
            if (s_slots.TryGetValue(name, out var slot))
            {
                return slot;
            }
            // Copied on write: readers on the ingestion path take no lock.
            var next = new Dictionary<string, int>(s_slots, StringComparer.Ordinal) { [name] = s_slots.Count };
            s_slots = next;
            return next.Count - 1;
        }
    }
}
