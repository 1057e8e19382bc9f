using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Vigie.Core;
using Vigie.Query.Matching;
using Vigie.Query.Rows;
using Vigie.Server.Observability;
using Vigie.Storage.Store;

namespace Vigie.Server.Endpoints;

/// <summary>
/// <c>GET /api/v1/tail?q=FILTER</c>: new matching events as they are acknowledged, as NDJSON over
/// chunked HTTP, or as server-sent events when the client accepts <c>text/event-stream</c>.
/// A client that reads too slowly loses the oldest batches (counted), never slows ingestion.
/// </summary>
internal sealed class TailEndpoint(LogStore store, ServerMetrics metrics, Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime)
{
    private const int QueuedBatches = 256;
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public async Task HandleAsync(HttpContext http)
    {
        var request = await QueryParameters.ReadAsync(http).ConfigureAwait(false);
        if (request is null)
        {
            return;
        }
        if (request.Query.Pipes.Count > 0)
        {
            await ErrorAnswer.WriteAsync(http, StatusCodes.Status400BadRequest, "live tail takes a filter only, without pipes").ConfigureAwait(false);
            return;
        }
        var matcher = FilterCompiler.Compile(request.Query.Filter, request.NowNs);
        var sse = http.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase);
        var queue = Channel.CreateBounded<EventBatch>(new BoundedChannelOptions(QueuedBatches) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => Interlocked.Add(ref metrics.TailEventsDropped, dropped.Count));
        void OnAppended(EventBatch batch) => queue.Writer.TryWrite(batch);

        // Subscribe before the headers go out: a client that has the headers sees every event after.
        Interlocked.Increment(ref metrics.TailSubscribers);
        store.Appended += OnAppended;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        try
        {
            http.Response.ContentType = sse ? "text/event-stream" : "application/x-ndjson; charset=utf-8";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            await http.Response.StartAsync(ended.Token).ConfigureAwait(false);
            var body = http.Response.BodyWriter;
            await body.FlushAsync(ended.Token).ConfigureAwait(false);
            await using var writer = new Utf8JsonWriter(body, RowJson.StreamingOptions);
            while (!ended.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ended.Token);
                wait.CancelAfter(Heartbeat);
                EventBatch batch;
                try
                {
                    batch = await queue.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ended.IsCancellationRequested)
                {
                    body.Write(sse ? ":\n\n"u8 : "\n"u8);
                    await body.FlushAsync(ended.Token).ConfigureAwait(false);
                    continue;
                }
                for (var i = 0; i < batch.Count; i++)
                {
                    // The store holds a batch grouped by stream; the tail shows its events as they came.
                    var row = new EventRow(batch.ToLogEvent(batch.PlaceOfArrival(i)));
                    if (!matcher.Matches(row))
                    {
                        continue;
                    }
                    if (sse)
                    {
                        body.Write("data: "u8);
                    }
                    RowJson.Write(writer, row);
                    writer.Flush();
                    writer.Reset();
                    body.Write(sse ? "\n\n"u8 : "\n"u8);
                }
                await body.FlushAsync(ended.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
            // the client went away
        }
        finally
        {
            store.Appended -= OnAppended;
            Interlocked.Decrement(ref metrics.TailSubscribers);
        }
    }
}
