using Microsoft.Extensions.Logging;
using Vigie.Agent.Collection;

namespace Vigie.Agent.Files;

/// <summary>
/// Tails the files matching the configured globs. Files are known by device and inode, not by name:
/// <list type="bullet">
/// <item>rotation by rename (logrotate's <c>create</c>): the renamed file is still open and read to its
/// end, then the new file under the old name is read from its start;</item>
/// <item>copytruncate and truncation: a file shorter than the position is read again from its start;</item>
/// <item>a file deleted or renamed out of the glob is read to its end and closed once it stopped growing
/// for <see cref="FileSourceOptions.CloseInactiveAfter"/>, its position then forgotten;</item>
/// <item>a file found for the first time (no position kept) is read from its start, whether it appeared
/// while the agent runs or was there at the agent's very first start: nothing already written is skipped;</item>
/// <item>gzip'd rotated files (<c>*.gz</c>) are read once each when the input asks for them, else ignored.</item>
/// </list>
/// </summary>
/// <remarks>
/// Polling is what the source relies on (every <see cref="FileSourceOptions.PollInterval"/>); file system
/// notifications only make it look sooner. Only complete lines are sent: a last line without its line
/// feed waits for it, unless its file was rotated away or deleted and stopped growing.
/// </remarks>
public sealed class FileSource(FileSourceOptions options, AgentHost host, ILogger logger) : ILogSource
{
    // Notifications come in bursts (one per write to a busy file): passes are at least this far apart.
    private static readonly TimeSpan MinimumGap = TimeSpan.FromMilliseconds(20);

    private readonly List<(GlobPattern Glob, FileInput Input)> _globs = [.. options.Inputs.Select(i => (new GlobPattern(i.Glob), i))];
    private readonly Dictionary<FileIdentity, TailedFile> _tailed = [];
    private readonly HashSet<FileIdentity> _compressedDone = [];
    private readonly HashSet<FileIdentity> _unreadable = [];
    private readonly Dictionary<string, FileSystemWatcher> _watchers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unwatchable = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private volatile bool _rescan = true;

    public string Name => "files";

    public FileSourceCounters Counters { get; } = new();

    public async Task RunAsync(ILineSink sink, IPositionBook positions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(positions);
        foreach (var (glob, input) in _globs)
        {
            logger.LogInformation("Following files matching {Glob}{Pipeline}{Compressed}", glob.Text,
                input.Pipeline is null ? "" : " (pipeline " + input.Pipeline + ")", input.ReadCompressed ? " and their .gz" : "");
        }
        long lastScan = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = Environment.TickCount64;
                var scan = _rescan || now - lastScan >= (long)options.PollInterval.TotalMilliseconds;
                try
                {
                    if (scan)
                    {
                        _rescan = false;
                        lastScan = now;
                        WatchDirectories();
                        await ScanAsync(sink, positions, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await ReadTailedAsync(sink, positions, null, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Reading files failed; trying again in {Interval}", options.PollInterval);
                }
                var wait = scan ? options.PollInterval : options.PollInterval - TimeSpan.FromMilliseconds(Environment.TickCount64 - lastScan);
                await _wake.WaitAsync(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                await Task.Delay(MinimumGap, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is the normal end.
        }
        finally
        {
            foreach (var watcher in _watchers.Values)
            {
                watcher.Dispose();
            }
            _watchers.Clear();
            CloseAll();
        }
    }

    /// <summary>One pass without the loop (for tests that drive the source step by step): expand, read.</summary>
    internal Task PollAsync(ILineSink sink, IPositionBook positions, CancellationToken cancellationToken) =>
        ScanAsync(sink, positions, cancellationToken);

    /// <summary>Closes every open file, as a stopping agent does (positions are kept).</summary>
    internal void CloseAll()
    {
        foreach (var file in _tailed.Values)
        {
            file.Dispose();
        }
        _tailed.Clear();
    }

    /// <summary>Expands the globs, then reads: known files first (the renamed ones before all), then new ones.</summary>
    private async Task ScanAsync(ILineSink sink, IPositionBook positions, CancellationToken cancellationToken)
    {
        var found = new Dictionary<FileIdentity, (string Path, FileInput Input, FileStatus Status)>();
        foreach (var (glob, input) in _globs)
        {
            foreach (var path in glob.Expand())
            {
                if (!UnixStat.TryStat(path, out var status) || !status.IsRegularFile)
                {
                    continue;
                }
                if (IsCompressed(path) && !input.ReadCompressed)
                {
                    continue;
                }
                found.TryAdd(status.Identity, (path, input, status));
            }
        }

        await ReadTailedAsync(sink, positions, found, cancellationToken).ConfigureAwait(false);

        foreach (var (identity, (path, input, status)) in found)
        {
            if (_tailed.ContainsKey(identity))
            {
                continue;
            }
            if (IsCompressed(path))
            {
                await ReadCompressedAsync(sink, positions, identity, path, input, status, cancellationToken).ConfigureAwait(false);
                continue;
            }
            var file = Open(positions, identity, path, input);
            if (file is not null)
            {
                await ReadAsync(sink, file, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Reads every open file. With the result of a scan, also notes which files left the glob (read to
    /// their end first, so that a rotated file's last lines come before the new file's first) and closes
    /// those that stopped growing.
    /// </summary>
    private async Task ReadTailedAsync(ILineSink sink, IPositionBook positions, Dictionary<FileIdentity, (string Path, FileInput Input, FileStatus Status)>? found, CancellationToken cancellationToken)
    {
        if (_tailed.Count == 0)
        {
            return;
        }
        foreach (var file in _tailed.Values.OrderBy(f => f.Gone ? 0 : 1).ToList())
        {
            if (found is not null)
            {
                if (found.TryGetValue(file.Identity, out var seen))
                {
                    if (seen.Path != file.Path)
                    {
                        logger.LogInformation("{Old} is now {New}", file.Path, seen.Path);
                        file.Path = seen.Path;
                        file.Origin = OriginOf(file.Identity, seen.Path, seen.Input);
                    }
                    file.Gone = false;
                }
                else if (!file.Gone)
                {
                    file.Gone = true;
                    file.LastGrowthMs = Environment.TickCount64;
                    logger.LogInformation("{Path} ({Key}) was rotated away or deleted: reading it to its end", file.Path, file.Identity.SourceKey);
                }
            }
            try
            {
                await ReadAsync(sink, file, cancellationToken).ConfigureAwait(false);
                file.Failing = false;
            }
            catch (IOException e)
            {
                // One file failing (an I/O error on its disk) does not stop the others; logged once.
                if (!file.Failing)
                {
                    logger.LogWarning("Reading {Path} failed: {Reason}; trying again at the next pass", file.Path, e.Message);
                    file.Failing = true;
                }
                continue;
            }
            if (file.Gone && Environment.TickCount64 - file.LastGrowthMs >= (long)options.CloseInactiveAfter.TotalMilliseconds)
            {
                await file.ReadLinesAsync(sink, flushPartial: true, cancellationToken).ConfigureAwait(false);
                _tailed.Remove(file.Identity);
                file.Dispose();
                positions.Forget(file.Identity.SourceKey);
                Counters.Closed();
                logger.LogInformation("Closed {Path} ({Key}) at byte {Offset}", file.Path, file.Identity.SourceKey, file.Offset);
            }
        }
    }

    private async Task ReadAsync(ILineSink sink, TailedFile file, CancellationToken cancellationToken)
    {
        var status = file.Status();
        if (status.Size < file.Offset || !file.HeadUnchanged(status.Size))
        {
            logger.LogInformation("{Path} was truncated ({Size} bytes, {Offset} read): reading it from its start", file.Path, status.Size, file.Offset);
            Counters.Truncated();
            file.Restart(0);
            file.ForgetHead();
        }
        if (status.Size != file.LastSize)
        {
            file.LastSize = status.Size;
            file.LastGrowthMs = Environment.TickCount64;
        }
        if (status.Size > file.Offset)
        {
            await file.ReadLinesAsync(sink, flushPartial: false, cancellationToken).ConfigureAwait(false);
        }
    }

    private TailedFile? Open(IPositionBook positions, FileIdentity identity, string path, FileInput input)
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Tried again at every scan (permissions may be fixed), logged once.
            if (e is UnauthorizedAccessException && _unreadable.Add(identity))
            {
                logger.LogWarning("Cannot read {Path}: {Reason}; trying again at every scan", path, e.Message);
            }
            return null;
        }
        _unreadable.Remove(identity);
        var status = UnixStat.Stat(handle);
        if (status.Identity != identity || _tailed.ContainsKey(status.Identity))
        {
            // Replaced between the scan and the open: the next scan sees what is there now.
            handle.Dispose();
            return null;
        }
        long offset = 0;
        if (positions.TryGet(identity.SourceKey, out var position))
        {
            offset = position.Offset;
            if (offset > status.Size)
            {
                logger.LogInformation("{Path} is shorter ({Size} bytes) than its kept position {Offset}: reading it from its start", path, status.Size, offset);
                Counters.Truncated();
                offset = 0;
            }
            else if (position.Count != 0 && position.Count != TailedFile.HeadFingerprint(handle, (int)Math.Min(offset, int.MaxValue)))
            {
                logger.LogInformation("{Path} does not begin as it did at its kept position {Offset} (rewritten): reading it from its start", path, offset);
                Counters.Truncated();
                offset = 0;
            }
        }
        var file = new TailedFile(handle, identity, path, OriginOf(identity, path, input), offset, options.MaxLineBytes, Counters);
        _tailed.Add(identity, file);
        Counters.Opened();
        logger.LogInformation("Following {Path} ({Key}) from byte {Offset}", path, identity.SourceKey, offset);
        return file;
    }

    private async Task ReadCompressedAsync(ILineSink sink, IPositionBook positions, FileIdentity identity, string path, FileInput input, FileStatus status, CancellationToken cancellationToken)
    {
        if (_compressedDone.Contains(identity))
        {
            return;
        }
        // A .gz being written (by logrotate's compression) is left until it has not changed for a while.
        var ageMs = (Vigie.Core.Timestamps.Now() - status.ModifiedNs) / 1_000_000;
        if (ageMs < (long)options.CloseInactiveAfter.TotalMilliseconds)
        {
            return;
        }
        var offset = positions.TryGet(identity.SourceKey, out var position) ? position.Offset : 0;
        try
        {
            using var file = new CompressedFile(path, OriginOf(identity, path, input), offset, options.MaxLineBytes, Counters);
            await file.ReadLinesAsync(sink, flushPartial: true, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Read {Path} ({Key}) to its end: {Offset} bytes uncompressed", path, identity.SourceKey, file.Offset);
            Counters.CompressedRead();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // Not gzip, corrupt or unreadable: left alone rather than read again every second.
            logger.LogWarning("Cannot read {Path} as gzip: {Reason}", path, e.Message);
        }
        _compressedDone.Add(identity);
    }

    private LineOrigin OriginOf(FileIdentity identity, string path, FileInput input) =>
        new(identity.SourceKey, [new(AgentStreamFields.Host, host.Name), new(AgentStreamFields.File, path)], input.Pipeline);

    private static bool IsCompressed(string path) => path.EndsWith(".gz", StringComparison.Ordinal);

    /// <summary>Watches each glob's base directory once it exists, to look sooner than the next poll.</summary>
    private void WatchDirectories()
    {
        foreach (var (glob, _) in _globs)
        {
            var directory = glob.BaseDirectory;
            if (_watchers.ContainsKey(directory) || _unwatchable.Contains(directory) || !Directory.Exists(directory))
            {
                continue;
            }
            try
            {
                var watcher = new FileSystemWatcher(directory)
                {
                    IncludeSubdirectories = glob.WatchesSubdirectories,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Size | NotifyFilters.LastWrite,
                };
                watcher.Changed += (_, _) => Wake(rescan: false);
                watcher.Created += (_, _) => Wake(rescan: true);
                watcher.Deleted += (_, _) => Wake(rescan: true);
                watcher.Renamed += (_, _) => Wake(rescan: true);
                watcher.Error += (_, e) =>
                {
                    // Overflow or a watch limit: polling still sees everything.
                    logger.LogDebug(e.GetException(), "Watching {Directory} failed", directory);
                    Wake(rescan: true);
                };
                watcher.EnableRaisingEvents = true;
                _watchers.Add(directory, watcher);
            }
            catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                _unwatchable.Add(directory);
                logger.LogInformation("Not watching {Directory} ({Reason}): polling every {Interval} only", directory, e.Message, options.PollInterval);
            }
        }
    }

    private void Wake(bool rescan)
    {
        if (rescan)
        {
            _rescan = true;
        }
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
        catch (ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
