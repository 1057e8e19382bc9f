using System.Collections.Concurrent;

namespace Vigie.Ingestion.Service;

/// <summary>The counters of every listener, by name, for <c>/metrics</c>.</summary>
public sealed class IngestionMetrics
{
    private readonly ConcurrentDictionary<string, ListenerCounters> _byListener = new(StringComparer.Ordinal);

    public ListenerCounters For(string listener) => _byListener.GetOrAdd(listener, static _ => new ListenerCounters());

    /// <summary>A stable (sorted) view for rendering.</summary>
    public IReadOnlyList<KeyValuePair<string, ListenerCounters>> Snapshot() =>
        [.. _byListener.OrderBy(p => p.Key, StringComparer.Ordinal)];
}
