using Microsoft.Extensions.Logging;

namespace Vigie.Storage.Idempotency;

/// <summary>
/// The idempotency keys a store knows: those of requests stored durably (from the WAL and the keys
/// file) and those being stored right now (claims).
/// </summary>
/// <remarks>
/// <para>A key becomes "stored" on the WAL writer thread, once the record that carries it (with the
/// request's events) is fsynced, and before any flush can rotate past that record's segment. A flush
/// writes the keys stored since the last flush to the keys file before it moves the WAL checkpoint,
/// so a key is always in the WAL, in the keys file, or in both.</para>
/// <para>A key is kept for <see cref="Lifetime"/> after it was stored, and at most
/// <see cref="Limit"/> keys are kept (the oldest go first past that).</para>
/// <para>Thread-safety: every member may be called concurrently.</para>
/// </remarks>
public sealed class IdempotencyKeys
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _stored = new(StringComparer.Ordinal);
    private readonly Queue<StoredKey> _order = new();
    private readonly Dictionary<string, IdempotencyClaim> _claims = new(StringComparer.Ordinal);
    private readonly List<StoredKey> _unpersisted = [];
    private readonly Func<DateTime> _utcNow;
    private int _fileKeys;

    internal IdempotencyKeys(TimeSpan lifetime, int limit, Func<DateTime> utcNow)
    {
        Lifetime = lifetime;
        Limit = limit;
        _utcNow = utcNow;
    }

    public TimeSpan Lifetime { get; }

    public int Limit { get; }

    /// <summary>Keys currently known as stored (expired ones may linger until the next flush).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _stored.Count;
            }
        }
    }

    internal long NowUnixMs => new DateTimeOffset(_utcNow()).ToUnixTimeMilliseconds();

    /// <summary>
    /// Returns a claim to store the request named <paramref name="key"/>, or null when that request was
    /// already stored. While another request holds the claim this waits: null if that one stored, a
    /// claim if it failed (so that this one can try).
    /// </summary>
    public async ValueTask<IdempotencyClaim?> ClaimAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        while (true)
        {
            IdempotencyClaim? holder;
            lock (_lock)
            {
                if (IsStored(key))
                {
                    return null;
                }
                if (!_claims.TryGetValue(key, out holder))
                {
                    var claim = new IdempotencyClaim(this, key);
                    _claims[key] = claim;
                    return claim;
                }
            }
            if (await holder.Outcome.WaitAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    /// <summary>Whether a request with this key was stored (and has not expired).</summary>
    public bool IsStored(string key)
    {
        lock (_lock)
        {
            return _stored.TryGetValue(key, out var ms) && ms > NowUnixMs - (long)Lifetime.TotalMilliseconds;
        }
    }

    /// <summary>The key's record is durable: called on the WAL writer thread, in log order.</summary>
    internal void Committed(StoredKey key)
    {
        IdempotencyClaim? claim;
        lock (_lock)
        {
            _claims.Remove(key.Key, out claim);
            Add(key);
            _unpersisted.Add(key);
        }
        claim?.Resolve(stored: true);
    }

    /// <summary>A key found in the WAL at start-up: its segment may be deleted by the first flush, so it is persisted then.</summary>
    internal void Replayed(StoredKey key)
    {
        lock (_lock)
        {
            Add(key);
            _unpersisted.Add(key);
        }
    }

    /// <summary>A key read back from the keys file.</summary>
    internal void Loaded(StoredKey key)
    {
        lock (_lock)
        {
            Add(key);
            _fileKeys++;
        }
    }

    internal void Release(IdempotencyClaim claim)
    {
        lock (_lock)
        {
            if (_claims.TryGetValue(claim.Key, out var current) && ReferenceEquals(current, claim))
            {
                _claims.Remove(claim.Key);
            }
        }
        claim.Resolve(stored: false);
    }

    /// <summary>
    /// Drops expired keys and writes the keys stored since the last call to the keys file (fsynced),
    /// or rewrites the file when expired keys make up most of it. Called by a flush after the WAL
    /// rotated and before the checkpoint moves; throws <see cref="IOException"/> when it cannot write.
    /// </summary>
    internal void Persist(string root)
    {
        List<StoredKey> fresh;
        List<StoredKey>? all = null;
        lock (_lock)
        {
            Expire();
            fresh = [.. _unpersisted];
            if (_fileKeys + fresh.Count > 2 * _stored.Count + 10_000)
            {
                var cutoff = NowUnixMs - (long)Lifetime.TotalMilliseconds;
                all = [.. _stored.Where(s => s.Value > cutoff).Select(s => new StoredKey(s.Key, s.Value))];
            }
        }
        if (all is null && fresh.Count == 0)
        {
            return;
        }
        if (all is not null)
        {
            KeysFile.Rewrite(root, all);
        }
        else
        {
            KeysFile.Append(root, fresh);
        }
        lock (_lock)
        {
            // Keys committed meanwhile stay for the next call (when the whole set was rewritten they are in it too, harmlessly twice).
            _unpersisted.RemoveRange(0, fresh.Count);
            _fileKeys = all is null ? _fileKeys + fresh.Count : all.Count;
        }
    }

    internal void Load(string root, ILogger logger) => KeysFile.Load(root, Loaded, logger);

    private void Add(StoredKey key)
    {
        if (key.StoredUnixMs <= NowUnixMs - (long)Lifetime.TotalMilliseconds)
        {
            return;
        }
        _stored[key.Key] = key.StoredUnixMs;
        _order.Enqueue(key);
        while (_stored.Count > Limit && _order.TryDequeue(out var oldest))
        {
            Forget(oldest);
        }
    }

    private void Expire()
    {
        var cutoff = NowUnixMs - (long)Lifetime.TotalMilliseconds;
        while (_order.TryPeek(out var oldest) && oldest.StoredUnixMs <= cutoff)
        {
            _order.Dequeue();
            Forget(oldest);
        }
    }

    /// <summary>Removes the key unless it was stored again later (its newer entry is further back in the queue).</summary>
    private void Forget(StoredKey key)
    {
        if (_stored.TryGetValue(key.Key, out var ms) && ms == key.StoredUnixMs)
        {
            _stored.Remove(key.Key);
        }
    }
}
