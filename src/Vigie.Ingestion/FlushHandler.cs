using Vigie.Core;

namespace Vigie.Ingestion;

/// <summary>
/// Takes a batch the decoder has filled and returns the empty batch it should go on filling: the same
/// one after <see cref="EventBatch.Clear"/> if the handler copied it, or a fresh one if the handler kept it.
/// </summary>
public delegate ValueTask<EventBatch> FlushHandler(EventBatch full, CancellationToken cancellationToken);
