using Vigie.Core;
using Vigie.Storage.Store;

namespace Vigie.Query.Tests.Engine;

/// <summary>A store laid out part by part, for tests of how queries read parts and blocks.</summary>
internal static class StoreOfParts
{
    /// <summary>One part per list, flushed in turn; no background merges or timed flushes change the layout.</summary>
    public static async Task<LogStore> OpenAsync(TempDirectory dir, IEnumerable<IEnumerable<LogEvent>> parts)
    {
        var store = LogStore.Open(new StoreOptions { DataDirectory = dir.Path, BackgroundMerges = false, FlushInterval = TimeSpan.FromHours(1) });
        foreach (var part in parts)
        {
            var batch = new EventBatch();
            foreach (var e in part)
            {
                batch.Add(e);
            }
            await store.AppendAsync(batch);
            await store.FlushAsync();
        }
        return store;
    }

    /// <summary><see cref="OpenAsync"/> for properties, which run synchronously.</summary>
    public static LogStore Open(TempDirectory dir, IEnumerable<IEnumerable<LogEvent>> parts) =>
        OpenAsync(dir, parts).GetAwaiter().GetResult();
}
