namespace Vigie.Core;

/// <summary>
/// Where a pooled <see cref="EventBatch"/> goes when its last reference is released
/// (<see cref="EventBatchPool"/>, <see cref="CompactBatchPool"/>).
/// </summary>
internal interface IBatchHome
{
    /// <summary>Takes back a batch nobody holds any more; called once per rent by <see cref="EventBatch.Release"/>.</summary>
    void Return(EventBatch batch);
}
