namespace Vigie.Storage.Idempotency;

/// <summary>An idempotency key and when (Unix milliseconds, UTC) the request it names was stored.</summary>
public readonly record struct StoredKey(string Key, long StoredUnixMs);
