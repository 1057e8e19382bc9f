using Microsoft.Extensions.Logging;
using Vigie.Core;
using Vigie.Ingestion.Service;
using Vigie.Storage;

namespace Vigie.Ingestion.Listeners;

/// <summary>
/// Stores a stream listener's batch, waiting as long as it takes: when the store is full the
/// connection simply stops being read (TCP then slows the sender) and the batch is retried with a
/// growing pause, never dropped.
/// </summary>
internal static class BatchStorer
{
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(30);

    public static async ValueTask StoreUntilDoneAsync(IngestionService ingestion, EventBatch batch, string listener, ILogger logger, CancellationToken cancellationToken)
    {
        var pause = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await ingestion.StoreAsync(batch, listener, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (StorageFullException e)
            {
                logger.LogWarning("{Listener}: the store refuses events ({Reason}); reading paused, retrying in {Pause}", listener, e.Message, pause);
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(MaxPause.Ticks, pause.Ticks * 2));
            }
        }
    }
}
