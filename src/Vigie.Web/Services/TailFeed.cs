using System.Threading.Channels;
using Vigie.Core;
using Vigie.Query.Matching;
using Vigie.Query.Rows;
using Vigie.Storage.Store;
using Vigie.Web.Model;

namespace Vigie.Web.Services;

/// <summary>
/// Live tail for the UI: new events matching a filter as the store acknowledges them. The store's
/// append event only queues the batch (the write path never waits for a browser); a reader task
/// matches and hands the rows over. A subscriber that falls behind loses the oldest batches.
/// </summary>
public sealed class TailFeed(LogStore store)
{
    private const int QueuedBatches = 64;

    /// <summary>
    /// Calls <paramref name="onRows"/> (from a background task, never concurrently with itself)
    /// with each batch's matching events, newest last, until the returned handle is disposed.
    /// Returns null with an error when the filter does not parse or has pipes.
    /// </summary>
    public (IAsyncDisposable? Subscription, string? Error) Subscribe(string? filter, Action<IReadOnlyList<DisplayRow>> onRows)
    {
        ArgumentNullException.ThrowIfNull(onRows);
        var parsed = ParsedQuery.Parse(filter);
        if (parsed.Query is null)
        {
            return (null, parsed.Error);
        }
        if (parsed.Query.Pipes.Count > 0)
        {
            return (null, "live tail takes a filter only, without pipes");
        }
        var matcher = FilterCompiler.Compile(parsed.Query.Filter, Timestamps.Now());
        var queue = Channel.CreateBounded<EventBatch>(new BoundedChannelOptions(QueuedBatches) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        void OnAppended(EventBatch batch) => queue.Writer.TryWrite(batch);
        store.Appended += OnAppended;
        var stop = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in queue.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    var rows = new List<DisplayRow>();
                    for (var i = 0; i < batch.Count; i++)
                    {
                        // The store holds a batch grouped by stream; the tail shows its events as they came.
                        var row = new EventRow(batch.ToLogEvent(batch.PlaceOfArrival(i)));
                        if (matcher.Matches(row))
                        {
                            rows.Add(DisplayRow.From(row));
                        }
                    }
                    if (rows.Count > 0)
                    {
                        onRows(rows);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        return (new Subscription(() => store.Appended -= OnAppended, stop, reader), null);
    }

    private sealed class Subscription(Action unsubscribe, CancellationTokenSource stop, Task reader) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            unsubscribe();
            await stop.CancelAsync().ConfigureAwait(false);
            await reader.ConfigureAwait(false);
            stop.Dispose();
        }
    }
}
