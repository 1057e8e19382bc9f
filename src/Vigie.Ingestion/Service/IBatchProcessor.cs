using Vigie.Core;

namespace Vigie.Ingestion.Service;

/// <summary>
/// What runs between reception and storage (the processing pipelines). It sees every batch that any
/// listener hands to <see cref="IngestionService"/>.
/// </summary>
public interface IBatchProcessor
{
    /// <summary>
    /// Returns the batch to store now: <paramref name="batch"/> itself when nothing changes, or a new
    /// batch built from it, which the caller owns (one reference: it calls <see cref="EventBatch.Release"/>
    /// once done, stored or not, so that a pooled one goes back to its pool). An event a processor
    /// fails on is kept as it came, tagged, never dropped silently.
    /// </summary>
    ProcessedBatch Process(EventBatch batch, string listener);
}

/// <summary>The outcome of <see cref="IBatchProcessor.Process"/>.</summary>
/// <param name="Batch">The events to store now.</param>
/// <param name="Held">
/// Set when the processor held back some of the input (multiline: the last line of a stream may be
/// continued by the next batch). It completes once those events are durable (the processor stores
/// them itself, joined to their continuation or after a timeout) and faults if storing them failed.
/// The caller awaits it before acknowledging, so that "acknowledged" still means "durable".
/// </param>
public readonly record struct ProcessedBatch(EventBatch Batch, Task? Held = null);
