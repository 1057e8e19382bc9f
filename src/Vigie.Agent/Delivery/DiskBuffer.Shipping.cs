using Microsoft.Extensions.Logging;

namespace Vigie.Agent.Delivery;

/// <summary>The shipper's side: the oldest unacknowledged record, its body, its acknowledgement.</summary>
public sealed partial class DiskBuffer
{
    /// <summary>Waits for the oldest durable record the server has not acknowledged.</summary>
    internal async ValueTask<RecordRef> NextUnackedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task available;
            lock (_stateLock)
            {
                while (_pending.Count > 0 && _pending.Peek().Seq <= _ackedSeq)
                {
                    _pending.Dequeue();
                }
                if (_pending.Count > 0)
                {
                    return _pending.Peek();
                }
                available = _available.Task;
            }
            await available.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The unacknowledged records in order (for tests and diagnostics).</summary>
    internal IReadOnlyList<RecordRef> PendingRecordsForTests()
    {
        lock (_stateLock)
        {
            return [.. _pending.Where(r => r.Seq > _ackedSeq)];
        }
    }

    /// <summary>
    /// The gzip'd NDJSON of a record, read back from its segment and checked again; null when the
    /// record is gone (dropped past the size bound meanwhile) or damaged on disk since it was written.
    /// </summary>
    internal RecordBody? ReadBody(RecordRef record)
    {
        var body = new RecordBody(record.Length);
        try
        {
            try
            {
                using var handle = File.OpenHandle(record.Segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                if (RandomAccess.Read(handle, body.Array.AsSpan(0, record.Length), record.Offset) != record.Length)
                {
                    return Damaged(record, "short read");
                }
            }
            catch (FileNotFoundException)
            {
                return null;
            }
            var bytes = body.Array.AsSpan(0, record.Length);
            if (!BatchRecord.TryReadHeader(bytes, out var payloadLength, out var crc, out var seq)
                || seq != record.Seq || payloadLength != bytes.Length - BufferFormat.HeaderBytes
                || !BatchRecord.Verify(bytes, bytes[BufferFormat.HeaderBytes..], crc)
                || !BatchRecord.TryReadPayload(bytes[BufferFormat.HeaderBytes..], (_, _) => { }, out _, out var bodyOffset))
            {
                return Damaged(record, "header or CRC mismatch");
            }
            body.BodyOffset = BufferFormat.HeaderBytes + bodyOffset;
            var result = body;
            body = null;
            return result;
        }
        finally
        {
            body?.Dispose();
        }
    }

    private RecordBody? Damaged(RecordRef record, string reason)
    {
        _logger.LogError("buffer: record {Seq} in {Segment} is damaged on disk ({Reason}); its {Lines} lines are lost", record.Seq, record.Segment.Path, reason, record.Lines);
        Interlocked.Add(ref _metrics.DroppedLines, record.Lines);
        Interlocked.Increment(ref _metrics.DroppedBatches);
        Acknowledge(record.Seq);
        return null;
    }

    /// <summary>The server took every record up to <paramref name="seq"/>: persists that and deletes what is no longer needed.</summary>
    internal void Acknowledge(long seq)
    {
        lock (_stateLock)
        {
            if (seq <= _ackedSeq)
            {
                return;
            }
            AcknowledgeLocked(seq);
        }
        PersistAndDelete(force: false);
    }

    private void AcknowledgeLocked(long seq)
    {
        while (_pending.Count > 0 && _pending.Peek().Seq <= seq)
        {
            _pendingLines -= _pending.Dequeue().Lines;
        }
        _ackedSeq = Math.Max(_ackedSeq, seq);
    }

    /// <summary>
    /// Writes the checkpoint, then deletes the segments it makes useless (oldest first, never the one
    /// being written). With <paramref name="force"/> (the size bound), the segments go even when the
    /// checkpoint cannot be written (a full disk), as deleting them is what frees the space.
    /// </summary>
    /// <returns>False when nothing could be deleted.</returns>
    private bool PersistAndDelete(bool force)
    {
        lock (_checkpointLock)
        {
            long acked;
            Dictionary<string, Collection.SourcePosition> positions;
            List<SegmentFile> useless;
            lock (_stateLock)
            {
                acked = _ackedSeq;
                positions = new(_durable, StringComparer.Ordinal);
                useless = [.. _segments.TakeWhile(s => !ReferenceEquals(s, _activeSegment) && s.LastSeq <= acked)];
            }
            var persisted = TryWriteCheckpoint(acked, positions);
            if (!persisted && !force)
            {
                return false;
            }
            foreach (var segment in useless)
            {
                try
                {
                    File.Delete(segment.Path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _logger.LogWarning("buffer: cannot delete {Segment}: {Reason}", segment.Path, e.Message);
                    break;
                }
                lock (_stateLock)
                {
                    _segments.Remove(segment);
                    _totalBytes -= segment.Length;
                }
            }
            if (!persisted && useless.Count > 0)
            {
                TryWriteCheckpoint(acked, positions);
            }
            return useless.Count > 0;
        }
    }

    private bool TryWriteCheckpoint(long acked, Dictionary<string, Collection.SourcePosition> positions)
    {
        try
        {
            Checkpoint.Write(_options.Directory, acked, positions);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("buffer: cannot write the checkpoint ({Reason}); acknowledged segments stay until it can", e.Message);
            return false;
        }
    }
}
