using Vigie.Core;
using Vigie.Storage.Store;

namespace Vigie.Storage.Tests.Store;

internal static class StoreReading
{
    /// <summary>Every event in the store's live parts, read block by block.</summary>
    public static List<LogEvent> ReadAll(LogStore store)
    {
        using var snapshot = store.AcquireSnapshot();
        var events = new List<LogEvent>();
        foreach (var part in snapshot.Parts)
        {
            for (var b = 0; b < part.Reader.Blocks.Count; b++)
            {
                var block = part.Reader.ReadBlock(b);
                for (var r = 0; r < block.RowCount; r++)
                {
                    events.Add(block.ToLogEvent(r));
                }
            }
        }
        return events;
    }

    public static void Append(LogStore store, IEnumerable<LogEvent> events) => AppendAsync(store, events).GetAwaiter().GetResult();

    public static async Task AppendAsync(LogStore store, IEnumerable<LogEvent> events)
    {
        var batch = new EventBatch();
        foreach (var e in events)
        {
            batch.Add(e);
        }
        await store.AppendAsync(batch);
    }

    public static List<string> Describe(IEnumerable<LogEvent> events) => [.. events.Select(RandomEvents.Describe).Order(StringComparer.Ordinal)];
}
