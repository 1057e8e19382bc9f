using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Vigie.Core;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Store;

public sealed partial class LogStore
{
    private async Task MaintenanceLoopAsync()
    {
        var lastRetention = Stopwatch.GetTimestamp() - (long)(_options.RetentionCheckInterval.TotalSeconds * Stopwatch.Frequency);
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                var merged = _options.BackgroundMerges && await MergeOnceAsync().ConfigureAwait(false);
                if (Stopwatch.GetElapsedTime(lastRetention) >= _options.RetentionCheckInterval)
                {
                    await ApplyRetentionAsync().ConfigureAwait(false);
                    lastRetention = Stopwatch.GetTimestamp();
                }
                if (!merged)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250), _stopping.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or PartCorruptException)
            {
                _logger.LogError(e, "background merge or retention failed; retrying later");
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Merges the smallest parts of the partition with the most parts, if it has more than
    /// <see cref="StoreOptions.MaxPartsPerPartition"/>. Returns whether it merged.
    /// </summary>
    public async Task<bool> MergeOnceAsync(bool force = false)
    {
        List<PartHandle> sources;
        lock (_liveLock)
        {
            var partition = _live.GroupBy(p => p.Entry.Day)
                .Where(g => g.Count() > (force ? 1 : _options.MaxPartsPerPartition))
                .OrderByDescending(g => g.Count())
                .FirstOrDefault();
            if (partition is null)
            {
                return false;
            }
            var candidates = partition.OrderBy(p => p.Entry.Bytes).ToList();
            var take = force ? Math.Min(candidates.Count, _options.MaxPartsPerMerge) : MergeWidth([.. candidates.Select(p => p.Entry.Bytes)], _options.MaxPartsPerMerge);
            sources = [.. candidates.Take(take).Where(p => p.TryAddReference()).OrderBy(p => p.Entry.Id)];
        }
        try
        {
            if (sources.Count < 2)
            {
                return false;
            }
            var day = sources[0].Entry.Day;
            var id = Interlocked.Increment(ref _nextPartId) - 1;
            var started = Stopwatch.GetTimestamp();
            var stats = new PartMerger.Stats();
            var written = await Task.Run(() => WritePart(day, id, temp => PartWriter.Write(temp, PartMerger.Blocks([.. sources.Select(s => s.Reader)], stats)))).ConfigureAwait(false);
            if (!await PublishAsync([written], sources, checkpoint: null).ConfigureAwait(false))
            {
                return false;
            }
            Interlocked.Increment(ref Metrics.Merges);
            Interlocked.Add(ref Metrics.RowsMerged, written.Entry.Rows);
            Interlocked.Add(ref Metrics.RowsRebuiltByMerges, stats.RowsRebuilt);
            _logger.LogDebug("merged {Count} parts of {Day} ({Rows} rows, {Rebuilt} rebuilt, {Copied} copied as stored) in {Elapsed}",
                sources.Count, Timestamps.DayName(day), written.Entry.Rows, stats.RowsRebuilt, stats.RowsCopied, Stopwatch.GetElapsedTime(started));
            return true;
        }
        finally
        {
            foreach (var s in sources)
            {
                s.Release();
            }
        }
    }

    /// <summary>
    /// How many of the smallest parts (their sizes <paramref name="ascendingBytes"/>, ascending) to merge: at least two,
    /// then each next part only while it is no larger than those already taken together. A big part
    /// is thus rewritten only to absorb as much again, never to take in one small flush: merging the
    /// smallest parts whatever their size rewrote the partition's largest part at every merge, so
    /// the bytes written grew with the square of the partition (10M events: most of the CPU).
    /// </summary>
    internal static int MergeWidth(IReadOnlyList<long> ascendingBytes, int maxParts)
    {
        var take = Math.Min(2, ascendingBytes.Count);
        var sum = ascendingBytes.Take(take).Sum();
        while (take < Math.Min(ascendingBytes.Count, maxParts) && ascendingBytes[take] <= sum)
        {
            sum += ascendingBytes[take];
            take++;
        }
        return take;
    }

    /// <summary>Drops whole day partitions past the age limit, then the oldest ones past the size limit.</summary>
    public async Task ApplyRetentionAsync()
    {
        var drop = new HashSet<int>();
        List<(int Day, long Bytes)> days;
        lock (_liveLock)
        {
            days = [.. _live.GroupBy(p => p.Entry.Day).Select(g => (g.Key, g.Sum(p => p.Entry.Bytes))).OrderBy(d => d.Key)];
        }
        if (_options.Retention is { } retention)
        {
            var cutoff = Timestamps.FromDateTime(_options.UtcNow() - retention);
            foreach (var (day, _) in days)
            {
                var dayEnd = (day + 1L) * 86_400 * Timestamps.NanosPerSecond;
                if (dayEnd <= cutoff)
                {
                    drop.Add(day);
                }
            }
        }
        if (_options.MaxDiskBytes is { } max)
        {
            var total = days.Sum(d => d.Bytes) + SafeWalBytes();
            foreach (var (day, bytes) in days)
            {
                if (total <= max || day == days[^1].Day)
                {
                    break; // the newest partition is never dropped for size: it holds what just arrived
                }
                drop.Add(day);
                total -= bytes;
            }
        }
        if (drop.Count > 0)
        {
            await DropPartitionsAsync(drop).ConfigureAwait(false);
        }
    }

    private async Task DropPartitionsAsync(HashSet<int> days)
    {
        await _manifestGate.WaitAsync().ConfigureAwait(false);
        try
        {
            List<PartHandle> dropped;
            lock (_liveLock)
            {
                dropped = [.. _live.Where(p => days.Contains(p.Entry.Day))];
                _live = [.. _live.Where(p => !days.Contains(p.Entry.Day))];
            }
            _manifest = _manifest with { Parts = [.. _manifest.Parts.Where(p => !days.Contains(p.Day))] };
            _manifest.Save(_root);
            foreach (var p in dropped)
            {
                p.Retire();
            }
            foreach (var day in days.Order())
            {
                _logger.LogInformation("retention dropped the partition of {Day}", Timestamps.DayName(day));
                Interlocked.Increment(ref Metrics.PartitionsDropped);
                var dir = Path.Combine(_root, StoreLayout.PartsDirectory, Timestamps.DayName(day));
                TryDeleteEmptyDirectory(dir);
            }
        }
        finally
        {
            _manifestGate.Release();
        }
    }

    private static void TryDeleteEmptyDirectory(string dir)
    {
        try
        {
            if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
            {
                Directory.Delete(dir);
            }
        }
        catch (IOException)
        {
        }
    }
}
