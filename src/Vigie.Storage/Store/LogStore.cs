using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Core;
using Vigie.Storage.Idempotency;
using Vigie.Core.Io;
using Vigie.Storage.Parts;
using Vigie.Storage.Wal;

namespace Vigie.Storage.Store;

/// <summary>
/// The embedded log store: WAL → memtable → parts per UTC day, background merges and retention.
/// </summary>
/// <remarks>
/// <para>Write path: <see cref="AppendAsync"/> hands the batch to the WAL, which fsyncs groups of
/// appends and then moves each batch into the memtable; the task completes after that, so an
/// acknowledged batch is durable. Every <see cref="StoreOptions.FlushInterval"/> the memtable becomes
/// one part per day touched, published with the new WAL checkpoint in one manifest write; older WAL
/// segments are then deleted. See <see cref="WriteAheadLog"/> for the failure policy.</para>
/// <para>Read path: <see cref="AcquireSnapshot"/> gives a reference-counted, consistent set of parts.</para>
/// <para>Thread-safety: every public member may be called concurrently.</para>
/// </remarks>
public sealed partial class LogStore : IDisposable
{
    private readonly StoreOptions _options;
    private readonly ILogger _logger;
    private readonly string _root;
    private readonly FileStream _lock;
    private readonly WriteAheadLog _wal;
    private readonly Lock _memLock = new();
    private readonly Lock _liveLock = new();
    private readonly SemaphoreSlim _manifestGate = new(1, 1);
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _flushLoop;
    private readonly Task _maintenanceLoop;

    private List<EventBatch> _memtable = [];
    private long _memtableBytes;

    /// <summary>Memory held by the memtable's batches (<see cref="EventBatch.MemoryBytes"/>), for back-pressure.</summary>
    private long _memtableMemory;
    private List<EventBatch>? _unflushed;
    private long _unflushedBytes;

    /// <summary>Memory of the batches admitted by <see cref="WaitForRoomAsync"/> and not yet in the memtable (being written to the WAL).</summary>
    private long _admittedMemory;
    private Manifest _manifest;
    private long _nextPartId;
    private List<PartHandle> _live = [];
    private volatile bool _disposed;
    private volatile string? _flushFailure;

    /// <summary>Completed (and replaced) after each flush, so that appends held back by back-pressure wake at once.</summary>
    private TaskCompletionSource _flushed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LogStore(StoreOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _root = Path.GetFullPath(options.DataDirectory);
        HeldBatches = new CompactBatchPool(options.MaxUnflushedBytes);
        Directory.CreateDirectory(_root);
        _lock = AcquireDirectoryLock(_root);
        try
        {
            Directory.CreateDirectory(Path.Combine(_root, StoreLayout.PartsDirectory));
            _manifest = Manifest.Load(_root);
            _nextPartId = _manifest.NextPartId;
            RemoveDebris();
            OpenLiveParts();
            Keys = new IdempotencyKeys(options.IdempotencyKeyLifetime, options.IdempotencyKeyLimit, options.UtcNow);
            Keys.Load(_root, _logger);
            var replay = WalReplay.Replay(Path.Combine(_root, StoreLayout.WalDirectory), _manifest.WalCheckpoint,
                Path.Combine(_root, StoreLayout.QuarantineDirectory), Replayed, _logger);
            if (replay.DamagedSegments > 0)
            {
                Interlocked.Add(ref Metrics.WalRecordsQuarantined, replay.DamagedSegments);
            }
            if (replay.Events > 0)
            {
                _logger.LogInformation("replayed {Events} events in {Batches} batches from the write-ahead log", replay.Events, replay.Batches);
            }
            _wal = new WriteAheadLog(Path.Combine(_root, StoreLayout.WalDirectory), Math.Max(replay.LastSegmentId + 1, _manifest.WalCheckpoint), AddToMemtable, Metrics);
            FlushAsync().GetAwaiter().GetResult();
        }
        catch
        {
            _lock.Dispose();
            throw;
        }
        _flushLoop = Task.Run(FlushLoopAsync);
        _maintenanceLoop = Task.Run(MaintenanceLoopAsync);
    }

    public StoreMetrics Metrics { get; } = new();

    /// <summary>The options the store was opened with.</summary>
    public StoreOptions Options => _options;

    /// <summary>
    /// Batches for ingestion to fill (<see cref="EventBatchPool.Rent"/>): a batch appended to the store
    /// comes back once written to a part and released by its renter. Emptied after a second unused.
    /// </summary>
    public EventBatchPool BatchPool { get; } = new(PooledBatchEvents, PooledBatchEvents * 16, PooledBatchValueBytes, maxPooled: 32);

    /// <summary>
    /// Where the store keeps the batches it holds until their flush: copies of the appended batches
    /// in buffers of their size (see <see cref="Hold"/>). Emptied after a second unused.
    /// </summary>
    public CompactBatchPool HeldBatches { get; }

    /// <summary>The size of <see cref="BatchPool"/>'s batches: events, and bytes of values.</summary>
    public const int PooledBatchEvents = 4 * 1024 + 1;

    public const int PooledBatchValueBytes = 1024 * 1024 + 64 * 1024;

    /// <summary>Idempotency keys of stored requests; claim one before <see cref="AppendAsync(EventBatch, IdempotencyClaim, CancellationToken)"/>.</summary>
    public IdempotencyKeys Keys { get; }

    public string DataDirectory => _root;

    /// <summary>Opens (creating if needed) the store in <see cref="StoreOptions.DataDirectory"/>, recovering from any crash.</summary>
    public static LogStore Open(StoreOptions options, ILogger? logger = null) => new(options, logger ?? NullLogger.Instance);

    /// <summary>
    /// Stores a batch. Completes once the batch is durable (acknowledge then); it becomes searchable
    /// at the next flush. The batch must not be changed afterwards, unless it is pooled: the store
    /// keeps a copy of a pooled batch (see <see cref="Hold"/>), so its renter may release it once the
    /// task completes and the batch goes back to its pool at once.
    /// </summary>
    /// <exception cref="StorageFullException">the disk is full or failing; nothing of the batch was kept.</exception>
    public async Task AppendAsync(EventBatch batch, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (batch.Count == 0)
        {
            return;
        }
        await WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
        var count = batch.Count;
        var valueBytes = batch.ValueBytes;
        var held = Hold(batch);
        try
        {
            await _wal.AppendAsync(held).ConfigureAwait(false);
        }
        catch
        {
            Unadmit(held);
            throw;
        }
        Interlocked.Add(ref Metrics.EventsAppended, count);
        Interlocked.Add(ref Metrics.BytesAppended, valueBytes);
    }

    /// <summary>
    /// Stores a batch as the one request named by <paramref name="claim"/>'s key: the key is written
    /// in the same WAL record as the events, so it is durable exactly when they are, and later claims
    /// of the key answer "already stored". An empty batch still records the key.
    /// </summary>
    /// <exception cref="StorageFullException">the disk is full or failing; nothing was kept, the key is not recorded.</exception>
    public async Task AppendAsync(EventBatch batch, IdempotencyClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(claim);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
        var count = batch.Count;
        var valueBytes = batch.ValueBytes;
        var held = Hold(batch);
        try
        {
            await _wal.AppendAsync(held, new StoredKey(claim.Key, Keys.NowUnixMs)).ConfigureAwait(false);
        }
        catch
        {
            Unadmit(held);
            throw;
        }
        Interlocked.Add(ref Metrics.EventsAppended, count);
        Interlocked.Add(ref Metrics.BytesAppended, valueBytes);
    }

    /// <summary>
    /// The batch the store keeps for <paramref name="batch"/> until its flush, with the store's own
    /// reference, counted as admitted: a copy in buffers of its size (<see cref="HeldBatches"/>) when the
    /// batch is pooled or its buffers have much room to spare, else the batch itself. A pooled batch
    /// thus goes back to its pool as soon as its caller releases it, not a flush later, and the
    /// memtable holds about what its events need (a pooled ingest batch: about half of its buffers).
    /// </summary>
    private EventBatch Hold(EventBatch batch)
    {
        EventBatch held;
        if (!batch.IsPooled && batch.MemoryBytes <= batch.CompactMemoryBytes + batch.CompactMemoryBytes / 8)
        {
            batch.AddReference();
            held = batch;
        }
        else
        {
            held = HeldBatches.Copy(batch);
        }
        Interlocked.Add(ref _admittedMemory, held.MemoryBytes);
        return held;
    }

    /// <summary>Gives up a batch <see cref="Hold"/> admitted that the WAL refused.</summary>
    private void Unadmit(EventBatch held)
    {
        Interlocked.Add(ref _admittedMemory, -held.MemoryBytes);
        held.Release();
    }

    /// <summary>Memory held by acknowledged events not yet in parts, and by batches on their way to the WAL.</summary>
    private long UnflushedMemory =>
        Interlocked.Read(ref _memtableMemory) + Interlocked.Read(ref _unflushedBytes) + Interlocked.Read(ref _admittedMemory);

    private async Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        var waited = 0;
        var started = 0L;
        while (UnflushedMemory > _options.MaxUnflushedBytes)
        {
            if (waited == 0)
            {
                started = Stopwatch.GetTimestamp();
                Interlocked.Increment(ref Metrics.BackPressureWaits);
            }
            // Back-pressure: events arrive faster than parts are written (or flushes fail). Waiting
            // here slows the senders down and keeps memory bounded.
            if (waited++ > 200)
            {
                throw new StorageFullException(_flushFailure is { } failure
                    ? $"the store cannot take more events now: {failure}"
                    : "events arrive faster than the store can write them; retry in a few seconds");
            }
            await Task.WhenAny(Volatile.Read(ref _flushed).Task, Task.Delay(50, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        if (waited > 0)
        {
            Interlocked.Add(ref Metrics.BackPressureWaitTicks, Stopwatch.GetTimestamp() - started);
        }
    }

    /// <summary>A consistent set of live parts for a query; dispose it when the query ends.</summary>
    public StoreSnapshot AcquireSnapshot()
    {
        lock (_liveLock)
        {
            var parts = new List<PartHandle>(_live.Count);
            foreach (var p in _live)
            {
                if (p.TryAddReference())
                {
                    parts.Add(p);
                }
            }
            return new StoreSnapshot(parts);
        }
    }

    /// <summary>What the store holds now, for <c>/metrics</c> and the UI.</summary>
    public StoreStatus GetStatus()
    {
        List<PartEntry> live;
        lock (_liveLock)
        {
            live = [.. _live.Select(p => p.Entry)];
        }
        // the WAL's size comes from the file system: measured outside the lock queries take
        return new StoreStatus(
            Parts: live.Count,
            Partitions: live.Select(p => p.Day).Distinct().Count(),
            Rows: live.Sum(p => p.Rows),
            PartBytes: live.Sum(p => p.Bytes),
            WalBytes: SafeWalBytes(),
            MemtableBytes: UnflushedMemory,
            WriteProblem: _wal.LastFailure ?? _flushFailure);
    }

    private long SafeWalBytes()
    {
        try
        {
            return _wal.DiskBytes();
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Raised for each batch once it is durable, in log order, on the WAL writer thread: a handler
    /// must only hand the batch on (e.g. to a bounded channel) and never block or change it.
    /// </summary>
    public event Action<EventBatch>? Appended;

    private void Replayed(EventBatch batch, StoredKey? key)
    {
        if (key is { } k)
        {
            Keys.Replayed(k);
        }
        AddToMemtable(batch, null, admitted: false);
    }

    /// <summary>Called by the WAL once a record is durable, on its writer thread (see <see cref="WriteAheadLog"/> for the ordering).</summary>
    private void AddToMemtable(EventBatch batch, StoredKey? key) => AddToMemtable(batch, key, admitted: true);

    private void AddToMemtable(EventBatch batch, StoredKey? key, bool admitted)
    {
        if (key is { } k)
        {
            Keys.Committed(k);
        }
        var memory = batch.MemoryBytes;
        if (batch.Count == 0)
        {
            if (admitted)
            {
                Interlocked.Add(ref _admittedMemory, -memory);
            }
            batch.Release();
            return;
        }
        lock (_memLock)
        {
            _memtable.Add(batch);
            _memtableBytes += batch.ValueBytes;
            _memtableMemory += memory;
            if (admitted)
            {
                // Moved, not added: the bound sees no gap and no double count.
                Interlocked.Add(ref _admittedMemory, -memory);
            }
        }
        if (Appended is { } appended)
        {
            // Live tails read the batch at any later time: it must never go back to a pool.
            batch.Detach();
            appended(batch);
        }
    }

    private static FileStream AcquireDirectoryLock(string root)
    {
        try
        {
            return new FileStream(Path.Combine(root, StoreLayout.LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"the data directory {root} is in use by another Vigie process", e);
        }
    }

    /// <summary>Deletes what an interrupted flush or merge left: temp files and parts the manifest does not name.</summary>
    private void RemoveDebris()
    {
        var named = _manifest.Parts.Select(p => Path.GetFullPath(Path.Combine(_root, p.RelativePath))).ToHashSet(StringComparer.Ordinal);
        var partsRoot = Path.Combine(_root, StoreLayout.PartsDirectory);
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(partsRoot, "*", SearchOption.AllDirectories))
        {
            if (!named.Contains(Path.GetFullPath(file)))
            {
                File.Delete(file);
                removed++;
            }
        }
        foreach (var dir in Directory.EnumerateDirectories(partsRoot))
        {
            if (!Directory.EnumerateFileSystemEntries(dir).Any())
            {
                Directory.Delete(dir);
            }
        }
        File.Delete(Path.Combine(_root, Manifest.FileName + StoreLayout.TempExtension));
        if (removed > 0)
        {
            _logger.LogInformation("removed {Count} unpublished part files left by an interrupted flush or merge", removed);
        }
    }

    private void OpenLiveParts()
    {
        var kept = new List<PartEntry>();
        foreach (var entry in _manifest.Parts)
        {
            var path = Path.Combine(_root, entry.RelativePath);
            try
            {
                _live.Add(new PartHandle(entry, PartReader.Open(path), path));
                kept.Add(entry);
            }
            catch (PartFormatTooNewException e)
            {
                // Going back to an older build after a newer one wrote here: setting the part aside would
                // lose it for the newer build too, so nothing is touched and the store does not open.
                _live.ForEach(p => p.Release());
                throw new IOException(
                    $"{e.Message}. The data directory {_root} was last used by a newer Vigie: run that version on it, "
                    + "or give this one a copy of the data directory taken before the upgrade. Nothing in it was changed.", e);
            }
            catch (Exception e) when (e is PartCorruptException or IOException)
            {
                Quarantine(path, e);
            }
        }
        if (kept.Count != _manifest.Parts.Count)
        {
            _manifest = _manifest with { Parts = kept };
            _manifest.Save(_root);
        }
    }

    private void Quarantine(string path, Exception reason)
    {
        Interlocked.Increment(ref Metrics.PartsQuarantined);
        var target = Path.Combine(_root, StoreLayout.QuarantineDirectory);
        Directory.CreateDirectory(target);
        var moved = Path.Combine(target, $"{Path.GetFileName(Path.GetDirectoryName(path))}-{Path.GetFileName(path)}");
        try
        {
            if (File.Exists(path))
            {
                File.Move(path, moved, overwrite: true);
            }
        }
        catch (IOException e)
        {
            _logger.LogError(e, "could not move damaged part {Path} to quarantine", path);
        }
        _logger.LogError("part {Path} is damaged and was quarantined to {Moved}: {Reason}", path, moved, reason.Message);
    }

    /// <summary>
    /// Called by the query engine when a block of a part fails its checksum: the part leaves the live
    /// set and its file goes to the quarantine directory; the other parts keep answering.
    /// </summary>
    public async Task ReportDamagedPartAsync(PartHandle part, Exception reason)
    {
        await _manifestGate.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_liveLock)
            {
                if (!_live.Contains(part))
                {
                    return;
                }
                _live = [.. _live.Where(p => p != part)];
            }
            _manifest = _manifest with { Parts = [.. _manifest.Parts.Where(p => p != part.Entry)] };
            _manifest.Save(_root);
            Quarantine(Path.Combine(_root, part.Entry.RelativePath), reason);
            part.Release();
        }
        finally
        {
            _manifestGate.Release();
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _stopping.Cancel();
        try
        {
            Task.WaitAll(_flushLoop, _maintenanceLoop);
        }
        catch (AggregateException)
        {
        }
        try
        {
            FlushAsync().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or StorageFullException)
        {
            _logger.LogWarning(e, "final flush failed; the write-ahead log keeps the events for the next start");
        }
        _wal.Dispose();
        lock (_liveLock)
        {
            foreach (var p in _live)
            {
                p.Release();
            }
            _live = [];
        }
        _lock.Dispose();
    }
}

/// <summary>A summary of the store's contents.</summary>
/// <param name="WriteProblem">Why the store cannot currently write (disk full, I/O errors), or null when it can.</param>
public sealed record StoreStatus(int Parts, int Partitions, long Rows, long PartBytes, long WalBytes, long MemtableBytes, string? WriteProblem);
