using Microsoft.Extensions.Logging;
using Vigie.Core.Io;

namespace Vigie.Agent.Delivery;

/// <summary>The writer: turns sealed batches into records, appends and fsyncs them, enforces the size bound.</summary>
public sealed partial class DiskBuffer
{
    // Owned by the writer task; _activeSegment is also read under _stateLock (never deleted while active).
    private FileStream? _active;
    private SegmentFile? _activeSegment;
    private long _nextSeq;
    private bool _diskFullLogged;

    private async Task WriterLoopAsync()
    {
        using var scratch = new MemoryStream();
        var group = new List<Batch>();
        while (true)
        {
            Task work;
            group.Clear();
            lock (_lock)
            {
                group.AddRange(_sealed);
                work = _work.Task;
                if (group.Count == 0)
                {
                    _work = NewSignal();
                    work = _work.Task;
                }
            }
            if (group.Count == 0)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }
                await work.ConfigureAwait(false);
                continue;
            }
            foreach (var batch in group.Where(b => b.Seq == 0))
            {
                BatchRecord.Encode(batch, _nextSeq++, scratch);
            }
            try
            {
                WriteGroup(group);
                if (_diskFullLogged)
                {
                    _diskFullLogged = false;
                    _logger.LogInformation("buffer: writing again");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Interlocked.Increment(ref _metrics.WriteErrors);
                if (!_diskFullLogged)
                {
                    _diskFullLogged = true;
                    _logger.LogWarning("buffer: cannot write to {Directory} ({Reason}); sources wait and the writer tries again every {Retry} s",
                        _options.Directory, DiskErrors.IsDiskFull(e) ? "disk full" : e.Message, _options.DiskFullRetry.TotalSeconds);
                }
                if (_stop.IsCancellationRequested)
                {
                    return;
                }
                try
                {
                    await Task.Delay(_options.DiskFullRetry, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            EnforceSizeBound();
        }
    }

    /// <summary>Writes the group's records, one fsync per segment touched, committing each part once durable.</summary>
    private void WriteGroup(List<Batch> group)
    {
        var i = 0;
        while (i < group.Count)
        {
            var segment = EnsureSegment(group[i].Seq);
            var start = segment.Length;
            var offset = start;
            var j = i;
            var offsets = new long[group.Count];
            try
            {
                while (j < group.Count && (j == i || offset < _options.SegmentBytes))
                {
                    var record = group[j].Record.WrittenSpan;
                    RandomAccess.Write(_active!.SafeFileHandle, record, offset);
                    offsets[j] = offset;
                    offset += record.Length;
                    j++;
                }
                _active!.Flush(flushToDisk: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                CutBack(start);
                throw;
            }
            Commit(group, i, j, offsets, segment, offset);
            i = j;
        }
    }

    private SegmentFile EnsureSegment(long seq)
    {
        if (_active is not null && _activeSegment is { } current && (current.Length < _options.SegmentBytes || current.Records.Count == 0) && !_rollRequested)
        {
            return current;
        }
        CloseActive();
        _rollRequested = false;
        var path = Path.Combine(_options.Directory, BufferFormat.SegmentName(seq));
        // A segment of the same name can only be one abandoned before any record of it was durable.
        var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 1);
        try
        {
            DirectorySync.Sync(_options.Directory);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        var segment = new SegmentFile(path, seq);
        lock (_stateLock)
        {
            _segments.RemoveAll(s => s.Path == path);
            _segments.Add(segment);
        }
        _active = stream;
        _activeSegment = segment;
        return segment;
    }

    private bool _rollRequested;

    private void CutBack(long length)
    {
        try
        {
            _active!.SetLength(length);
            _active.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("buffer: cannot cut {Segment} back after a failed write ({Reason}); starting a new segment", _activeSegment?.Path, e.Message);
            CloseActive();
        }
    }

    private void CloseActive()
    {
        try
        {
            _active?.Dispose();
        }
        catch (IOException)
        {
            // Nothing to save: every durable byte was fsynced already.
        }
        _active = null;
        lock (_stateLock)
        {
            _activeSegment = null;
        }
    }

    /// <summary>Makes records [from, to) of the group visible: positions, the shipper's queue, room for appends.</summary>
    private void Commit(List<Batch> group, int from, int to, long[] offsets, SegmentFile segment, long newLength)
    {
        lock (_stateLock)
        {
            for (var k = from; k < to; k++)
            {
                var batch = group[k];
                var record = new RecordRef(batch.Seq, segment, offsets[k], batch.Record.Length, batch.Lines);
                segment.Records.Add(record);
                _pending.Enqueue(record);
                _pendingLines += batch.Lines;
                _totalBytes += batch.Record.Length;
                foreach (var (key, position) in batch.Positions)
                {
                    if (position is { } p)
                    {
                        _durable[key] = p;
                    }
                    else
                    {
                        _durable.Remove(key);
                    }
                }
            }
            segment.Length = newLength;
            _available.TrySetResult();
            _available = NewSignal();
        }
        lock (_lock)
        {
            for (var k = from; k < to; k++)
            {
                var batch = _sealed.Dequeue();
                batch.Reset();
                _free.Push(batch);
            }
            _writtenCount += to - from;
            _space.TrySetResult();
            _space = NewSignal();
            _written.TrySetResult();
            _written = NewSignal();
        }
    }

    /// <summary>Drops the oldest segments, sent or not, while the buffer is past its bound.</summary>
    private void EnforceSizeBound()
    {
        while (true)
        {
            SegmentFile oldest;
            long lostLines;
            int lostBatches;
            lock (_stateLock)
            {
                if (_totalBytes <= _options.MaxBytes || _segments.Count == 0)
                {
                    return;
                }
                oldest = _segments[0];
                if (ReferenceEquals(oldest, _activeSegment))
                {
                    // The only segment: close it at the next write so that it can go.
                    _rollRequested = true;
                    return;
                }
                var lost = oldest.Records.Where(r => r.Seq > _ackedSeq).ToList();
                lostLines = lost.Sum(r => (long)r.Lines);
                lostBatches = lost.Count;
                AcknowledgeLocked(oldest.LastSeq);
            }
            if (lostBatches > 0)
            {
                Interlocked.Add(ref _metrics.DroppedLines, lostLines);
                Interlocked.Add(ref _metrics.DroppedBatches, lostBatches);
                _logger.LogWarning("buffer: over its bound of {Max} bytes; dropped the oldest segment {Segment} with {Lines} unsent lines in {Batches} batches",
                    _options.MaxBytes, Path.GetFileName(oldest.Path), lostLines, lostBatches);
            }
            if (!PersistAndDelete(force: true))
            {
                return;
            }
        }
    }
}
