namespace Vigie.Storage;

/// <summary>
/// The store cannot take more events now: the disk is full or the write path is failing. Ingestion
/// answers 503 with this message; the store retries by itself and accepts again once it can write.
/// </summary>
public sealed class StorageFullException : Exception
{
    public StorageFullException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
