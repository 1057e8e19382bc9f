using Vigie.Agent.Collection;
using Vigie.Agent.Files;

namespace Vigie.Agent.Docker;

/// <summary>
/// Reads one run of a container from its driver's log files (instead of the Engine API's stream): from
/// the position on, across rotations, until the container stops. Lines Docker split are joined back, per
/// stream; every line handed over carries the position after it (<see cref="LogFileCursor"/>).
/// </summary>
internal sealed class LogFileReader : IDisposable
{
    /// <summary>How often the live file is read again once at its end.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>How many times the files are listed again when one listed was renamed before it could be opened.</summary>
    private const int OpenAttempts = 20;

    /// <summary>The wait before listing the files again (Docker is rotating them).</summary>
    private static readonly TimeSpan RetryOpen = TimeSpan.FromMilliseconds(50);

    /// <summary>At most this long between two checks that the container still runs, while its log is quiet.</summary>
    private static readonly TimeSpan RunningCheck = TimeSpan.FromSeconds(5);

    /// <summary>A line handed over: it counts as read once the returned task completes.</summary>
    public delegate ValueTask LineHandler(LogStreamKind stream, long timeNs, ReadOnlyMemory<byte> text, SourcePosition after, CancellationToken token);

    private readonly string _logPath;
    private readonly LogFileFormat _format;
    private readonly int _maxLineBytes;
    private readonly LogFileDecoder _decoder;
    private readonly PendingLine _stdout;
    private readonly PendingLine _stderr;
    private readonly long[] _pendingStart = new long[3];
    private readonly long[] _linesAfterStart = new long[3];
    private Stream? _stream;
    private LogFileCandidate? _current;
    private FileIdentity _currentIdentity;
    private long _firstTimeNs;
    private string? _cursorText;
    private LogFileCursor _cursorOfText;

    // First-entry times of the files listed after the current one: one missing from a later list was
    // deleted by Docker before it was read.
    private readonly List<long> _seenAfter = [];

    // Lines to leave out before handing any over: those read before (a resume).
    private long _skip;
    private long _sinceNs;
    private bool _filterByTime;

    public LogFileReader(string logPath, LogFileFormat format, int maxLineBytes)
    {
        _logPath = logPath;
        _format = format;
        _maxLineBytes = maxLineBytes;
        _decoder = new LogFileDecoder(format);
        _stdout = new PendingLine(LogStreamKind.Stdout, maxLineBytes);
        _stderr = new PendingLine(LogStreamKind.Stderr, maxLineBytes);
    }

    /// <summary>Entries of the files that could not be read and were skipped.</summary>
    public long Malformed => _decoder.Malformed;

    public string? LastError => _decoder.LastError;

    /// <summary>
    /// Called when Docker deleted files before they were read to their end (rotated out past
    /// <c>max-file</c> while the agent was down or behind): how many, and what was skipped.
    /// </summary>
    public Action<int, string>? FilesLost { get; set; }

    /// <summary>Whether the agent can read <paramref name="logPath"/> (mounted, and allowed).</summary>
    public static bool CanRead(string logPath)
    {
        try
        {
            using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads from <paramref name="position"/> until the container stopped (<paramref name="runningAsync"/>
    /// says false once its files are read to their end) or <paramref name="ended"/> says it is gone.
    /// </summary>
    /// <returns>False when there was nothing to read.</returns>
    public async Task<bool> ReadRunAsync(LogPosition position, LineHandler handler, Func<CancellationToken, Task<bool>> runningAsync,
        Func<bool> ended, CancellationToken token)
    {
        var read = false;
        await OpenStartAsync(position, token).ConfigureAwait(false);
        var rotated = false;
        long lastCheck = 0;
        var stopping = false;
        while (true)
        {
            if (_stream is not null)
            {
                var count = await _stream.ReadAsync(_decoder.GetInputBuffer(), token).ConfigureAwait(false);
                if (count > 0)
                {
                    read = true;
                    _decoder.Commit(count);
                    while (_decoder.TryRead(out var entry))
                    {
                        await OnEntryAsync(entry, position, handler, token).ConfigureAwait(false);
                    }
                    continue;
                }
            }
            // At the end of the current file: it is final once another file took the live name.
            if (rotated || _current is { Compressed: true })
            {
                // Until the next file is open (a failed try leaves no current file).
                rotated = true;
                if (await NextFileAsync(token).ConfigureAwait(false))
                {
                    rotated = false;
                }
                else if (ended())
                {
                    break;
                }
                else
                {
                    // The new live file is not created yet, or was renamed before it could be opened (Docker is rotating).
                    await Task.Delay(RetryOpen, token).ConfigureAwait(false);
                }
                continue;
            }
            if (_stream is null || !UnixStat.TryStat(_logPath, out var live) || live.Identity != _currentIdentity)
            {
                if (ended())
                {
                    break;
                }
                // Rotated (or being rotated): read what was written before Docker closed it, then move on.
                rotated = _stream is not null;
                if (!rotated)
                {
                    await OpenLiveAsync(token).ConfigureAwait(false);
                    if (_stream is null)
                    {
                        await Task.Delay(Poll, token).ConfigureAwait(false);
                    }
                }
                continue;
            }
            if (stopping || ended())
            {
                break;
            }
            var now = Environment.TickCount64;
            if (now - lastCheck >= RunningCheck.TotalMilliseconds || DiedSignal)
            {
                DiedSignal = false;
                lastCheck = now;
                if (!await runningAsync(token).ConfigureAwait(false))
                {
                    // Stopped: one more pass reads what it wrote last, then the run is over.
                    stopping = true;
                    continue;
                }
            }
            await Task.Delay(Poll, token).ConfigureAwait(false);
        }
        // The run is over: a last piece without its end is a whole line (as the API stream ends it).
        await FlushAsync(_stdout, position, handler, token).ConfigureAwait(false);
        await FlushAsync(_stderr, position, handler, token).ConfigureAwait(false);
        CloseCurrent();
        return read;
    }

    /// <summary>Set when Docker said the container died: check at once instead of after a while.</summary>
    public bool DiedSignal { get; set; }

    private async Task OpenStartAsync(LogPosition position, CancellationToken token)
    {
        CloseCurrent();
        ResetPending();
        // A file listed can be renamed before it is opened (Docker rotating): then the list is made again.
        for (var attempt = 1; ; attempt++)
        {
            var lastAttempt = attempt == OpenAttempts;
            _skip = 0;
            _filterByTime = false;
            var files = LogFileSet.List(_logPath, _format);
            if (position.File is { } cursor)
            {
                var same = files.FirstOrDefault(f => !f.Compressed && f.Identity == new FileIdentity(cursor.Device, cursor.Inode) && f.FirstTimeNs == cursor.FirstTimeNs)
                    ?? files.FirstOrDefault(f => f.FirstTimeNs == cursor.FirstTimeNs && cursor.FirstTimeNs != 0)
                    ?? files.FirstOrDefault(f => !f.Compressed && f.Identity == new FileIdentity(cursor.Device, cursor.Inode) && f.FirstTimeNs == long.MaxValue && cursor.Offset == 0);
                if (same is not null)
                {
                    if (await OpenAsync(same, cursor.Offset, token).ConfigureAwait(false))
                    {
                        _skip = cursor.Skip;
                        _firstTimeNs = cursor.FirstTimeNs;
                        RememberAfter(files);
                        return;
                    }
                    if (!lastAttempt)
                    {
                        await Task.Delay(RetryOpen, token).ConfigureAwait(false);
                        continue;
                    }
                }
                // The file is gone (rotated out and deleted): from the oldest left, from the last line's time on.
                // That line was in the file gone, so none of the files left holds it: no line is skipped
                // (skipping one would lose the first line of the oldest file left).
                _filterByTime = cursor.LastTimeNs > 0;
                _sinceNs = cursor.LastTimeNs;
                _skip = 0;
                if (files.Count > 0 && same is null && (await OpenAsync(files[0], 0, token).ConfigureAwait(false) || lastAttempt))
                {
                    // Deleted unread past its offset, with any file between it and the oldest left.
                    if (_stream is not null)
                    {
                        FilesLost?.Invoke(1, $"the log file {cursor.Device}:{cursor.Inode} (first entry at {Stamp(cursor.FirstTimeNs)}) is gone, read up to offset {cursor.Offset}; reading on from {files[0].Path} (first entry at {Stamp(files[0].FirstTimeNs)})");
                    }
                    RememberAfter(files);
                    return;
                }
                if (files.Count > 0 && same is null)
                {
                    await Task.Delay(RetryOpen, token).ConfigureAwait(false);
                    continue;
                }
            }
            else
            {
                // A position of the API stream (or none): Docker's own rule, lines from that time on, less those read.
                var (since, skip) = position.ApiStart();
                _filterByTime = since > 0;
                _sinceNs = since;
                _skip = skip;
            }
            if (files.Count == 0 || await OpenAsync(files[0], 0, token).ConfigureAwait(false) || lastAttempt)
            {
                RememberAfter(files);
                return;
            }
            await Task.Delay(RetryOpen, token).ConfigureAwait(false);
        }
    }

    private async Task<bool> OpenAsync(LogFileCandidate file, long offset, CancellationToken token)
    {
        CloseCurrent();
        var stream = LogFileSet.Open(file, out var identity);
        if (stream is null)
        {
            return false;
        }
        if (identity != file.Identity)
        {
            // Another file has its name now (Docker rotated since it was listed): list again.
            await stream.DisposeAsync().ConfigureAwait(false);
            return false;
        }
        try
        {
            await LogFileSet.SeekAsync(stream, offset, token).ConfigureAwait(false);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        _stream = stream;
        _current = file;
        _currentIdentity = identity;
        _firstTimeNs = file.FirstTimeNs == long.MaxValue ? 0 : file.FirstTimeNs;
        _decoder.Reset(offset);
        // A line Docker split across a rotation goes on in the new file (a resume starts at its start there).
        _pendingStart[(int)LogStreamKind.Stdout] = offset;
        _pendingStart[(int)LogStreamKind.Stderr] = offset;
        _linesAfterStart[(int)LogStreamKind.Stdout] = 0;
        _linesAfterStart[(int)LogStreamKind.Stderr] = 0;
        return true;
    }

    private async Task OpenLiveAsync(CancellationToken token)
    {
        var files = LogFileSet.List(_logPath, _format);
        if (files.Count > 0 && files[^1].Path == _logPath && await OpenAsync(files[^1], 0, token).ConfigureAwait(false))
        {
            RememberAfter(files);
        }
    }

    /// <summary>Opens the file that follows the current one; false when it is not there yet.</summary>
    private async Task<bool> NextFileAsync(CancellationToken token)
    {
        if (_decoder.Buffered > 0)
        {
            throw new InvalidDataException($"the log file {_current?.Path} ends in the middle of an entry");
        }
        var files = LogFileSet.List(_logPath, _format);
        var first = _firstTimeNs;
        // Files are in log order, and so are their first entries' times; an empty current file can only
        // have been the live one, followed by the live one again.
        var next = first == 0
            ? files.FirstOrDefault(f => f.Path == _logPath && f.Identity != _currentIdentity)
            : files.FirstOrDefault(f => f.FirstTimeNs > first && f.Identity != _currentIdentity);
        if (next is null)
        {
            return false;
        }
        if (!await OpenAsync(next, 0, token).ConfigureAwait(false))
        {
            return false;
        }
        // A file seen before between the one read and this one is gone: Docker deleted it unread.
        var lost = _seenAfter.Where(t => t > first && t < next.FirstTimeNs && !files.Any(f => f.FirstTimeNs == t)).ToList();
        if (lost.Count > 0)
        {
            FilesLost?.Invoke(lost.Count, $"{lost.Count} log file(s) with first entries from {Stamp(lost.Min())} to {Stamp(lost.Max())} were deleted before they were read; reading on from {next.Path} (first entry at {Stamp(next.FirstTimeNs)})");
        }
        RememberAfter(files);
        return true;
    }

    private void RememberAfter(List<LogFileCandidate> files)
    {
        _seenAfter.Clear();
        foreach (var file in files)
        {
            if (file.FirstTimeNs != long.MaxValue && file.FirstTimeNs > _firstTimeNs)
            {
                _seenAfter.Add(file.FirstTimeNs);
            }
        }
    }

    private static string Stamp(long timeNs) =>
        timeNs is 0 or long.MaxValue ? "none" : DateTimeOffset.UnixEpoch.AddTicks(timeNs / 100).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    private async ValueTask OnEntryAsync(LogFileEntry entry, LogPosition position, LineHandler handler, CancellationToken token)
    {
        if (entry.Start == 0)
        {
            _firstTimeNs = entry.TimeNs;
        }
        var pending = entry.Stream == LogStreamKind.Stderr ? _stderr : _stdout;
        var other = entry.Stream == LogStreamKind.Stderr ? _stdout : _stderr;
        var slot = (int)entry.Stream;
        if (pending.InText || entry.Continues)
        {
            if (!pending.InText)
            {
                pending.InText = true;
                pending.TimeNs = entry.TimeNs;
                _pendingStart[slot] = entry.Start;
                _linesAfterStart[slot] = 0;
            }
            pending.Append(entry.Text.Span);
            if (entry.Continues)
            {
                return;
            }
        }
        var text = pending.InText ? pending.Text : entry.Text;
        var time = pending.InText ? pending.TimeNs : entry.TimeNs;
        // While the other stream's line is unfinished, resuming must start at its first piece, and leave
        // out the lines handed over since.
        var otherSlot = (int)other.Stream;
        LogFileCursor cursor;
        if (other.InText)
        {
            _linesAfterStart[otherSlot]++;
            cursor = new LogFileCursor(_currentIdentity.Device, _currentIdentity.Inode, _firstTimeNs, _pendingStart[otherSlot], _linesAfterStart[otherSlot], time);
        }
        else
        {
            cursor = new LogFileCursor(_currentIdentity.Device, _currentIdentity.Inode, _firstTimeNs, entry.End, 0, time);
        }
        await HandOverAsync(entry.Stream, time, text, cursor, position, handler, token).ConfigureAwait(false);
        pending.Reset();
    }

    private async ValueTask FlushAsync(PendingLine pending, LogPosition position, LineHandler handler, CancellationToken token)
    {
        if (!pending.InText)
        {
            return;
        }
        var cursor = new LogFileCursor(_currentIdentity.Device, _currentIdentity.Inode, _firstTimeNs, _decoder.Offset, 0, pending.TimeNs);
        await HandOverAsync(pending.Stream, pending.TimeNs, pending.Text, cursor, position, handler, token).ConfigureAwait(false);
        pending.Reset();
    }

    private async ValueTask HandOverAsync(LogStreamKind stream, long time, ReadOnlyMemory<byte> text, LogFileCursor cursor, LogPosition position,
        LineHandler handler, CancellationToken token)
    {
        if (Skipped(time))
        {
            position.File = cursor;
            return;
        }
        if (_cursorText is null || !_cursorOfText.SameText(cursor))
        {
            _cursorText = cursor.Text();
            _cursorOfText = cursor;
        }
        var length = text.Length;
        if (length > 0 && text.Span[length - 1] == (byte)'\r')
        {
            length--;
        }
        await handler(stream, time, text[..Math.Min(length, _maxLineBytes)], cursor.ToPosition(_cursorText), token).ConfigureAwait(false);
        // Only a line the sink took moves the position: one it refused is read again on the retry.
        position.File = cursor;
    }

    private bool Skipped(long time)
    {
        if (_filterByTime)
        {
            if (time < _sinceNs)
            {
                return true;
            }
            _filterByTime = false;
        }
        if (_skip > 0)
        {
            _skip--;
            return true;
        }
        return false;
    }

    private void ResetPending()
    {
        _stdout.Reset();
        _stderr.Reset();
    }

    private void CloseCurrent()
    {
        _stream?.Dispose();
        _stream = null;
        _current = null;
    }

    public void Dispose()
    {
        CloseCurrent();
        _decoder.Dispose();
        _stdout.Dispose();
        _stderr.Dispose();
    }
}
