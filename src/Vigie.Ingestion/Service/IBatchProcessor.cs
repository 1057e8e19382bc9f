using Vigie.Core;

namespace Vigie.Ingestion.Service;

/// <summary>
/// What runs between reception and storage (the processing pipelines). It sees every batch that any
/// listener hands to <see cref="IngestionService"/>.
/// </summary>
public interface IBatchProcessor
{
    /// <summary>
    /// Returns the batch to store: <paramref name="batch"/> itself when nothing changes, or a new batch
    /// built from it. An event a processor fails on is kept as it came, tagged, never dropped silently.
    /// </summary>
    EventBatch Process(EventBatch batch, string listener);
}
