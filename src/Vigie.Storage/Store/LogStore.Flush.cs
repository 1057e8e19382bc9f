using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Vigie.Core;
using Vigie.Core.Io;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Store;

public sealed partial class LogStore
{
    /// <summary>
    /// Turns everything acknowledged so far into parts and publishes them. Called by the flush loop;
    /// tests and shutdown call it directly. If writing fails (disk full), the batches stay in memory
    /// and in the WAL, and the next flush tries again.
    /// </summary>
    public async Task FlushAsync()
    {
        await _flushGate.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_memLock)
            {
                if (_memtable.Count == 0 && _unflushed is null)
                {
                    return;
                }
            }
            List<EventBatch> fresh = [];
            long freshBytes = 0;
            var checkpoint = _wal.Rotate(() =>
            {
                lock (_memLock)
                {
                    fresh = _memtable;
                    freshBytes = _memtableMemory;
                    _memtable = [];
                    _memtableBytes = 0;
                    _memtableMemory = 0;
                }
            });
            var batches = _unflushed ?? [];
            batches.AddRange(fresh);
            _unflushed = batches;
            Interlocked.Add(ref _unflushedBytes, freshBytes);

            var started = Stopwatch.GetTimestamp();
            try
            {
                // Before the checkpoint passes the old segments: their idempotency keys must outlive them.
                Keys.Persist(_root);
                await WritePartsAsync(batches, checkpoint).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Interlocked.Increment(ref Metrics.FlushFailures);
                _flushFailure = DiskErrors.IsDiskFull(e) ? "no space left on the data disk: new events are kept in the write-ahead log but are not searchable yet" : "flushing to parts fails: " + e.Message;
                _logger.LogError("flush of {Events} events failed ({Reason}); they stay in the write-ahead log and the next flush retries",
                    batches.Sum(b => b.Count), DiskErrors.IsDiskFull(e) ? "disk full" : e.Message);
                return;
            }
            _unflushed = null;
            _flushFailure = null;
            var flushedMemory = Interlocked.Exchange(ref _unflushedBytes, 0);
            foreach (var b in batches)
            {
                b.Release();
            }
            if (flushedMemory >= _options.MaxUnflushedBytes / 4)
            {
                CollectFlushScratch();
            }
            Metrics.FlushSeconds.Observe(Stopwatch.GetElapsedTime(started));
            Interlocked.Increment(ref Metrics.Flushes);
            try
            {
                _wal.DeleteSegmentsBefore(checkpoint);
            }
            catch (IOException e)
            {
                _logger.LogWarning(e, "could not delete flushed WAL segments; the next start skips them by the checkpoint");
            }
        }
        finally
        {
            _flushGate.Release();
            Interlocked.Exchange(ref _flushed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    /// <summary>
    /// Frees what a large flush left behind (its blocks' column buffers, the rows' index, the encoders:
    /// tens of MB of large arrays for 32 MB of values) before the next flush allocates its own. The
    /// runtime collects large arrays only in full collections, started when a budget of large
    /// allocations is spent; under full load that left one or two flushes' garbage on top of the
    /// live heap at the peak (1M events: 300–307 MB against 270–282 MB with this, for 1–2 % more
    /// CPU; a compacting collection gave the same peak). Only after large flushes: a server taking a
    /// trickle of events flushes small batches twice a second and has no such garbage.
    /// </summary>
    private static void CollectFlushScratch() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);

    private async Task WritePartsAsync(List<EventBatch> batches, long checkpoint)
    {
        var written = new List<(PartEntry Entry, string Path, PartSummary Summary)>();
        try
        {
            var scratch = ScratchPools.Flush.Rent();
            try
            {
                foreach (var (day, streams) in FlushPartBuilder.Group(batches, scratch))
                {
                    var id = Interlocked.Increment(ref _nextPartId) - 1;
                    written.Add(WritePart(day, id, FlushPartBuilder.Blocks(batches, streams, scratch.Builder)));
                }
            }
            finally
            {
                // The part writer has given back every block it wrote; a block it did not reach
                // (a failed write) leaves its arrays to the collector, never to the next flush.
                scratch.Release();
                ScratchPools.Flush.Return(scratch);
            }
            await PublishAsync(written, retired: [], checkpoint).ConfigureAwait(false);
        }
        catch
        {
            foreach (var (_, path, _) in written)
            {
                TryDelete(path);
            }
            throw;
        }
    }

    /// <summary>Writes a part aside, fsyncs it and moves it to its final name; it is not live until published.</summary>
    private (PartEntry Entry, string Path, PartSummary Summary) WritePart(int day, long id, IEnumerable<Blocks.ColumnarBlock> blocks) =>
        WritePart(day, id, temp => PartWriter.Write(temp, blocks));

    /// <summary>Writes a part aside with <paramref name="write"/> (given the temporary path), fsyncs it and moves it to its final name.</summary>
    private (PartEntry Entry, string Path, PartSummary Summary) WritePart(int day, long id, Func<string, PartSummary> write)
    {
        var entryForPath = new PartEntry(day, id, 0, 0, 0, 0);
        var path = Path.Combine(_root, entryForPath.RelativePath);
        var directory = Path.GetDirectoryName(path)!;
        var isNewDirectory = !Directory.Exists(directory);
        Directory.CreateDirectory(directory);
        if (isNewDirectory)
        {
            DirectorySync.Sync(Path.GetDirectoryName(directory)!);
        }
        var temp = path + StoreLayout.TempExtension;
        try
        {
            var summary = write(temp);
            File.Move(temp, path, overwrite: true);
            DirectorySync.Sync(directory);
            return (entryForPath with { Rows = summary.Rows, MinTime = summary.MinTime, MaxTime = summary.MaxTime, Bytes = summary.FileBytes }, path, summary);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Makes new parts live and retired ones dead in one manifest write. Returns false (publishing
    /// nothing) when a part to retire is no longer live, e.g. retention dropped it during a merge.
    /// </summary>
    private async Task<bool> PublishAsync(List<(PartEntry Entry, string Path, PartSummary Summary)> added, IReadOnlyList<PartHandle> retired, long? checkpoint)
    {
        var handles = new List<PartHandle>();
        try
        {
            foreach (var (entry, path, summary) in added)
            {
                // The writer's index, not the file's read back: the same entries (PartIndex.Written), without
                // reading, decompressing and parsing the index of every part just written.
                handles.Add(new PartHandle(entry, PartReader.OpenWritten(path, summary), path));
            }
        }
        catch
        {
            foreach (var h in handles)
            {
                h.Release();
            }
            throw;
        }
        await _manifestGate.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_liveLock)
            {
                if (retired.Any(r => !_live.Contains(r)))
                {
                    foreach (var h in handles)
                    {
                        h.Retire();
                    }
                    return false;
                }
            }
            var retiredEntries = retired.Select(r => r.Entry).ToHashSet();
            var next = _manifest with
            {
                Parts = [.. _manifest.Parts.Where(p => !retiredEntries.Contains(p)), .. added.Select(a => a.Entry)],
                WalCheckpoint = checkpoint ?? _manifest.WalCheckpoint,
                NextPartId = Interlocked.Read(ref _nextPartId),
            };
            try
            {
                next.Save(_root);
            }
            catch
            {
                foreach (var h in handles)
                {
                    h.Release();
                }
                throw;
            }
            _manifest = next;
            lock (_liveLock)
            {
                _live = [.. _live.Where(p => !retired.Contains(p)).Concat(handles).OrderBy(p => p.Entry.Day).ThenBy(p => p.Entry.Id)];
            }
            foreach (var r in retired)
            {
                r.Retire();
            }
            return true;
        }
        finally
        {
            _manifestGate.Release();
        }
    }

    private async Task FlushLoopAsync()
    {
        var lastFlush = Stopwatch.GetTimestamp();
        var lastTrim = lastFlush;
        // One timer for the store's life: a Task.Delay every 20 ms allocated a timer and a task each
        // turn, and those allocations were most of what an idle server allocated (about 18 KB/s).
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                if (!await tick.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (Stopwatch.GetElapsedTime(lastTrim) >= TimeSpan.FromSeconds(1))
            {
                _wal.TrimRecordBuffers();
                BatchPool.TrimIfUnused();
                HeldBatches.TrimIfUnused();
                lastTrim = Stopwatch.GetTimestamp();
            }
            bool due;
            lock (_memLock)
            {
                // Also due once the memtable's memory reaches half the back-pressure bound, so that a flush
                // always leaves appends at least half of it while it runs (batches hold more memory than
                // their value bytes: waiting for MemtableFlushBytes of values alone once left a flush too
                // little room, and appends waited for most of it).
                due = (_memtable.Count > 0 || _unflushed is not null)
                    && (Stopwatch.GetElapsedTime(lastFlush) >= _options.FlushInterval || _memtableBytes >= _options.MemtableFlushBytes
                        || _memtableMemory >= _options.MaxUnflushedBytes / 2);
            }
            if (!due)
            {
                continue;
            }
            try
            {
                await FlushAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or PartCorruptException)
            {
                _logger.LogError(e, "flush failed; retrying");
            }
            lastFlush = Stopwatch.GetTimestamp();
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
