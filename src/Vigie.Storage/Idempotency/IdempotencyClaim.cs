namespace Vigie.Storage.Idempotency;

/// <summary>
/// The right to store the one request named by <see cref="Key"/>: pass it to
/// <see cref="Store.LogStore.AppendAsync(Core.EventBatch, IdempotencyClaim, CancellationToken)"/>.
/// Dispose it when done: if nothing was stored, other requests with the same key may then try.
/// </summary>
public sealed class IdempotencyClaim : IDisposable
{
    private readonly IdempotencyKeys _owner;
    private readonly TaskCompletionSource<bool> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal IdempotencyClaim(IdempotencyKeys owner, string key)
    {
        _owner = owner;
        Key = key;
    }

    public string Key { get; }

    /// <summary>True once the key is stored, false if the claim was given up without storing.</summary>
    internal Task<bool> Outcome => _outcome.Task;

    internal void Resolve(bool stored) => _outcome.TrySetResult(stored);

    public void Dispose() => _owner.Release(this);
}
