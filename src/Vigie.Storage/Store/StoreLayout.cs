namespace Vigie.Storage.Store;

/// <summary>Names of the files and folders of a data directory, in one place.</summary>
/// <remarks>
/// <code>
/// DATA/manifest.json            live parts + WAL checkpoint
/// DATA/wal/NNNN.wal             write-ahead log segments
/// DATA/parts/YYYY-MM-DD/N.part  immutable parts, one folder per UTC day
/// DATA/idempotency-keys       idempotency keys of stored requests whose WAL segments are gone
/// DATA/quarantine/              damaged WAL tails and part files, kept for inspection
/// DATA/LOCK                     held while a process owns the directory
/// </code>
/// </remarks>
public static class StoreLayout
{
    public const string WalDirectory = "wal";
    public const string PartsDirectory = "parts";
    public const string QuarantineDirectory = "quarantine";
    public const string LockFile = "LOCK";
    public const string PartExtension = ".part";
    public const string TempExtension = ".tmp";
}
