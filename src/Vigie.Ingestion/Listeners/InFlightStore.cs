namespace Vigie.Ingestion.Listeners;

/// <summary>
/// The one batch a connection has being stored while it reads and decodes the next: the store's
/// latency (a WAL fsync) then overlaps the connection's own work instead of adding to it. Its reply
/// (Fluent Forward acks) goes out as soon as the batch is durable, without waiting for more input
/// (a sender that waits for its acks sends nothing more until then), and replies keep the order of
/// the batches because a batch starts only once the previous one is done.
/// </summary>
internal sealed class InFlightStore
{
    private Task _storing = Task.CompletedTask;

    /// <summary>Waits for the batch in flight to be durable and its reply sent.</summary>
    public Task CompleteAsync() => _storing;

    public void Start(Func<Task> store, ReadOnlyMemory<byte> reply, Stream stream, CancellationToken cancellationToken)
    {
        _storing = StoreThenReplyAsync(store, reply, stream, cancellationToken);
    }

    private static async Task StoreThenReplyAsync(Func<Task> store, ReadOnlyMemory<byte> reply, Stream stream, CancellationToken cancellationToken)
    {
        await store().ConfigureAwait(false);
        if (!reply.IsEmpty)
        {
            await stream.WriteAsync(reply, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the batch in flight as the connection goes; its failure was logged by the store.</summary>
    public async ValueTask AbandonAsync()
    {
        try
        {
            await _storing.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The listener is stopping, or the connection broke before the reply could be sent.
        }
        _storing = Task.CompletedTask;
    }
}
