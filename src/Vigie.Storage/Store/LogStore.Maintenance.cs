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

    /// <summary>What a merge aims at: see <see cref="MergeOnceAsync(bool)"/> and <see cref="SettleOnceAsync"/>.</summary>
    private enum MergeGoal
    {
        Background,
        AtRest,
        Force,
    }

    // Guarded by _liveLock: when each day partition last received a part that is not a merge's output,
    // and the ids of merge outputs (so that a merged part does not count as new data arriving).
    private readonly Dictionary<int, PartitionActivity> _partitionActivity = [];
    private readonly HashSet<long> _mergeOutputIds = [];
    private readonly HashSet<long> _mergesInFlight = [];

    /// <summary>
    /// Runs one merge of the merge policy, if a partition needs one: a partition still receiving
    /// parts is merged above <see cref="StoreOptions.MaxPartsWhileIngesting"/> parts, a quiet one
    /// (no new part for <see cref="StoreOptions.MergeQuietAfter"/>) above
    /// <see cref="StoreOptions.MaxPartsPerPartition"/>. With <paramref name="force"/>, any partition
    /// of two parts or more is merged (tests). Returns whether it merged.
    /// </summary>
    public Task<bool> MergeOnceAsync(bool force = false) => MergeOnceAsync(force ? MergeGoal.Force : MergeGoal.Background);

    /// <summary>
    /// Runs one merge towards the part count at rest (<see cref="StoreOptions.MaxPartsPerPartition"/>)
    /// as if every partition were already quiet. Returns whether it merged.
    /// </summary>
    public Task<bool> SettleOnceAsync() => MergeOnceAsync(MergeGoal.AtRest);

    private async Task<bool> MergeOnceAsync(MergeGoal goal)
    {
        List<PartHandle> sources;
        long id;
        long sourceBytes = 0;
        lock (_liveLock)
        {
            var now = Stopwatch.GetTimestamp();
            ObserveArrivals(now);
            var partition = _live.GroupBy(p => p.Entry.Day)
                .Select(g => (Parts: g, Limit: PartLimit(goal, g.Key, now)))
                .Where(g => g.Parts.Count() > g.Limit)
                .OrderByDescending(g => g.Parts.Count() - g.Limit)
                .FirstOrDefault();
            if (partition.Parts is null)
            {
                return false;
            }
            var candidates = partition.Parts.OrderBy(p => p.Entry.Bytes).ToList();
            var take = goal switch
            {
                MergeGoal.Force => Math.Min(candidates.Count, _options.MaxPartsPerMerge),
                _ when candidates.Count > _options.MaxPartsWhileIngesting => MergeWidth([.. candidates.Select(p => p.Entry.Bytes)], _options.MaxPartsPerMerge),
                // Quiet, a little above the bound at rest: merge just enough of the smallest parts to meet it.
                _ => Math.Clamp(candidates.Count - partition.Limit + 1, 2, _options.MaxPartsPerMerge),
            };
            sources = [.. candidates.Take(take).Where(p => p.TryAddReference()).OrderBy(p => p.Entry.Id)];
            id = Interlocked.Increment(ref _nextPartId) - 1;
            _mergeOutputIds.Add(id);
            _mergesInFlight.Add(id);
        }
        try
        {
            if (sources.Count < 2)
            {
                return false;
            }
            var day = sources[0].Entry.Day;
            var started = Stopwatch.GetTimestamp();
            sourceBytes = sources.Sum(s => s.Entry.Bytes);
            Interlocked.Increment(ref Metrics.MergesRunning);
            Interlocked.Add(ref Metrics.MergeSourceBytesRunning, sourceBytes);
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
            if (sourceBytes > 0)
            {
                Interlocked.Decrement(ref Metrics.MergesRunning);
                Interlocked.Add(ref Metrics.MergeSourceBytesRunning, -sourceBytes);
            }
            foreach (var s in sources)
            {
                s.Release();
            }
            lock (_liveLock)
            {
                _mergesInFlight.Remove(id);
            }
        }
    }

    /// <summary>How many parts the partition of <paramref name="day"/> may keep for <paramref name="goal"/>.</summary>
    private int PartLimit(MergeGoal goal, int day, long now) => goal switch
    {
        MergeGoal.Force => 1,
        MergeGoal.AtRest => _options.MaxPartsPerPartition,
        _ => _partitionActivity.TryGetValue(day, out var a) && Stopwatch.GetElapsedTime(a.LastArrival, now) < _options.MergeQuietAfter
            ? Math.Max(_options.MaxPartsWhileIngesting, _options.MaxPartsPerPartition)
            : _options.MaxPartsPerPartition,
    };

    /// <summary>Notes, under _liveLock, which partitions got a part that no merge wrote since the last look.</summary>
    private void ObserveArrivals(long now)
    {
        var liveIds = _live.Select(p => p.Entry.Id).ToHashSet();
        _mergeOutputIds.RemoveWhere(id => !liveIds.Contains(id) && !_mergesInFlight.Contains(id));
        var days = _live.Select(p => p.Entry.Day).ToHashSet();
        foreach (var gone in _partitionActivity.Keys.Where(d => !days.Contains(d)).ToList())
        {
            _partitionActivity.Remove(gone); // dropped by retention
        }
        foreach (var g in _live.GroupBy(p => p.Entry.Day))
        {
            var newest = g.Where(p => !_mergeOutputIds.Contains(p.Entry.Id)).Select(p => p.Entry.Id).DefaultIfEmpty(0).Max();
            if (!_partitionActivity.TryGetValue(g.Key, out var a))
            {
                _partitionActivity[g.Key] = new PartitionActivity { NewestId = newest, LastArrival = now };
            }
            else if (newest > a.NewestId)
            {
                a.NewestId = newest;
                a.LastArrival = now;
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

    private sealed class PartitionActivity
    {
        public long NewestId { get; set; }

        public long LastArrival { get; set; }
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
