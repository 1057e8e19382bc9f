using Microsoft.Extensions.Logging;
using Vigie.Agent.Collection;

namespace Vigie.Agent.Delivery;

/// <summary>
/// The agent's disk buffer: sources append lines, which are cut into batches (bounded by size, line
/// count and age), written as records to append-only segment files and fsynced; the shipper sends the
/// records in order and acknowledges them, and fully acknowledged segments are deleted.
/// </summary>
/// <remarks>
/// <para><b>What is promised.</b> <see cref="AppendAsync"/> completes once the line is in the open batch
/// (memory). <see cref="TryGet"/> answers with positions of durable records only: after a crash, a
/// source resumes right after the last line that is on disk, so nothing is read twice and nothing is
/// skipped. Records carry their sequence number, the idempotency key of their request: a record sent
/// again after a crash is stored once by the server.</para>
/// <para><b>Failure policy of the write path.</b></para>
/// <list type="bullet">
/// <item>A batch counts as written only once its record is written and fsynced; only then do its
/// positions become what <see cref="TryGet"/> answers and does the shipper see it.</item>
/// <item>On a write or fsync error (a full disk, EIO), the segment is cut back to its length before
/// the failed write, the error is counted and logged, and the writer tries the same records again
/// after <see cref="BufferOptions.DiskFullRetry"/>. Meanwhile sealed batches wait in memory (a few),
/// then <see cref="AppendAsync"/> waits: sources stop reading, so nothing read is lost.</item>
/// <item>If even the cut-back fails, the segment is abandoned and the next write opens a new one;
/// recovery cuts the abandoned one at its first bad record and skips records it holds twice.</item>
/// <item>Past <see cref="BufferOptions.MaxBytes"/> the oldest segment is dropped, sent or not; the lost
/// lines are counted in <see cref="DeliveryMetrics.DroppedLines"/> and logged.</item>
/// </list>
/// <para><b>Threads.</b> Any number of sources append concurrently (one lock around encoding); one
/// writer task writes records; one shipper reads and acknowledges them.</para>
/// </remarks>
public sealed partial class DiskBuffer : ILineSink, IPositionBook, IAsyncDisposable
{
    /// <summary>Sealed batches waiting for the writer before appends wait: bounds memory to a few batches.</summary>
    private const int MaxSealed = 2;

    private readonly BufferOptions _options;
    private readonly ILogger _logger;
    private readonly DeliveryMetrics _metrics;

    // Append side, under _lock.
    private readonly Lock _lock = new();
    private readonly LineEncoder _encoder = new();
    private readonly Queue<Batch> _sealed = new();
    private readonly Stack<Batch> _free = new();
    private Batch _open = new();
    private long _sealedCount;
    private long _writtenCount;
    private bool _closed;
    private int _closing;
    private TaskCompletionSource _space = NewSignal();
    private TaskCompletionSource _written = NewSignal();
    private TaskCompletionSource _work = NewSignal();

    // Durable side, under _stateLock.
    private readonly Lock _stateLock = new();
    private readonly Dictionary<string, SourcePosition> _durable;
    private readonly List<SegmentFile> _segments;
    private readonly Queue<RecordRef> _pending = new();
    private long _pendingLines;
    private long _ackedSeq;
    private long _totalBytes;
    private TaskCompletionSource _available = NewSignal();

    private readonly Lock _checkpointLock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _writerTask;
    private readonly Task _timerTask;

    private DiskBuffer(BufferOptions options, ILogger logger, DeliveryMetrics metrics, Recovered recovered)
    {
        _options = options;
        _logger = logger;
        _metrics = metrics;
        _durable = recovered.Positions;
        _segments = recovered.Segments;
        _ackedSeq = recovered.AckedSeq;
        _nextSeq = recovered.LastSeq + 1;
        foreach (var segment in _segments)
        {
            _totalBytes += segment.Length;
            foreach (var record in segment.Records.Where(r => r.Seq > _ackedSeq))
            {
                _pending.Enqueue(record);
                _pendingLines += record.Lines;
            }
        }
        _writerTask = Task.Run(WriterLoopAsync);
        _timerTask = Task.Run(TimerLoopAsync);
    }

    /// <summary>Lines written to disk and not yet acknowledged by the server.</summary>
    public long PendingLines
    {
        get
        {
            lock (_stateLock)
            {
                return _pendingLines;
            }
        }
    }

    /// <summary>Records written to disk and not yet acknowledged by the server.</summary>
    public int PendingBatches
    {
        get
        {
            lock (_stateLock)
            {
                return _pending.Count(r => r.Seq > _ackedSeq);
            }
        }
    }

    /// <summary>Bytes of segments on disk.</summary>
    public long Bytes
    {
        get
        {
            lock (_stateLock)
            {
                return _totalBytes;
            }
        }
    }

    /// <summary>False while the writer cannot write (a full disk): sources are then held back.</summary>
    public bool IsWriting => !Volatile.Read(ref _diskFullLogged);

    /// <summary>The last sequence number the server acknowledged (or that was dropped).</summary>
    public long AckedSeq
    {
        get
        {
            lock (_stateLock)
            {
                return _ackedSeq;
            }
        }
    }

    public ValueTask AppendAsync(CollectedLine line, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_sealed.Count < MaxSealed)
            {
                AppendLocked(line);
                return ValueTask.CompletedTask;
            }
        }
        return AppendWhenRoomAsync(line, cancellationToken);
    }

    private async ValueTask AppendWhenRoomAsync(CollectedLine line, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task room;
            lock (_lock)
            {
                if (_sealed.Count < MaxSealed)
                {
                    AppendLocked(line);
                    return;
                }
                room = _space.Task;
            }
            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void AppendLocked(in CollectedLine line)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_open.IsEmpty)
        {
            _open.OpenedAtMs = Environment.TickCount64;
        }
        _encoder.Encode(line, _open.Ndjson);
        _open.Lines++;
        _open.Positions[line.Origin.SourceKey] = line.After;
        if (_open.Lines >= _options.BatchMaxLines || _open.Ndjson.Length >= _options.BatchMaxBytes)
        {
            SealLocked();
        }
    }

    private void SealLocked()
    {
        if (_open.IsEmpty)
        {
            return;
        }
        _sealed.Enqueue(_open);
        _sealedCount++;
        _open = _free.Count > 0 ? _free.Pop() : new Batch();
        _work.TrySetResult();
    }

    public bool TryGet(string sourceKey, out SourcePosition position)
    {
        lock (_stateLock)
        {
            return _durable.TryGetValue(sourceKey, out position);
        }
    }

    public IReadOnlyList<string> SourceKeys(string prefix)
    {
        lock (_stateLock)
        {
            return [.. _durable.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))];
        }
    }

    public void Forget(string sourceKey)
    {
        lock (_lock)
        {
            if (_open.IsEmpty)
            {
                _open.OpenedAtMs = Environment.TickCount64;
            }
            // Written with the next record, so that a restart forgets it too.
            _open.Positions[sourceKey] = null;
        }
        lock (_stateLock)
        {
            _durable.Remove(sourceKey);
        }
    }

    /// <summary>Seals the open batch and waits until every line appended before the call is durable.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        long target;
        lock (_lock)
        {
            SealLocked();
            target = _sealedCount;
        }
        while (true)
        {
            Task written;
            lock (_lock)
            {
                if (_writtenCount >= target)
                {
                    return;
                }
                written = _written.Task;
            }
            await written.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task TimerLoopAsync()
    {
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(_options.BatchMaxAge.TotalMilliseconds / 4, 5, 250));
        var maxAgeMs = (long)_options.BatchMaxAge.TotalMilliseconds;
        try
        {
            while (true)
            {
                await Task.Delay(tick, _stop.Token).ConfigureAwait(false);
                lock (_lock)
                {
                    if (!_open.IsEmpty && Environment.TickCount64 - _open.OpenedAtMs >= maxAgeMs)
                    {
                        SealLocked();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    /// <summary>
    /// Seals what is open, waits (up to <paramref name="timeout"/>: the disk may be full) for it to be
    /// written, then stops. Lines not written by then were never counted as read: their sources
    /// read them again after a restart.
    /// </summary>
    public async ValueTask CloseAsync(TimeSpan timeout)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await FlushAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("buffer: closing with lines not yet on disk (the disk is full?); their sources will read them again at the next start");
        }
        lock (_lock)
        {
            _closed = true;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        _work.TrySetResult();
        await _writerTask.ConfigureAwait(false);
        await _timerTask.ConfigureAwait(false);
        CloseActive();
        lock (_lock)
        {
            foreach (var batch in _free.Concat(_sealed).Append(_open))
            {
                batch.Dispose();
            }
            _free.Clear();
            _sealed.Clear();
        }
        _stop.Dispose();
    }

    public ValueTask DisposeAsync() => CloseAsync(TimeSpan.FromSeconds(5));

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
