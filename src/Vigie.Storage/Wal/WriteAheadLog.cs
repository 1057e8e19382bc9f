using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;
using System.Threading.Channels;
using Vigie.Core;
using Vigie.Storage.Idempotency;
using Vigie.Core.Io;
using Vigie.Storage.Store;

namespace Vigie.Storage.Wal;

/// <summary>
/// The write-ahead log: every accepted batch is appended here and fsynced before its request is
/// acknowledged. Concurrent appends share one fsync (group commit).
/// </summary>
/// <remarks>
/// <para><b>Failure policy of the write path.</b></para>
/// <list type="bullet">
/// <item>An append is acknowledged only after the bytes of its record are written and fsynced. A request
/// never hears "accepted" for data that a power cut could take back.</item>
/// <item>On an I/O error while writing a group (disk full, EIO), the segment is cut back to the length
/// it had before the group, so that no half-written record sits in front of later ones, and every
/// append of the group fails with <see cref="StorageFullException"/>. Nothing of the group is handed to
/// the memtable. The next group tries again: the store resumes by itself when space returns.</item>
/// <item>If even the cut-back fails, the segment is abandoned: a new segment is opened for the next
/// group. Replay stops at the first bad record of the abandoned segment's tail (its CRC fails) and
/// quarantines the rest, so a torn record can never be read as data.</item>
/// <item>A failed fsync is treated as a failed write (the kernel may have dropped the dirty pages; a
/// retry of fsync could falsely succeed), hence the same cut-back and a fresh segment.</item>
/// <item>Records carry a CRC-32 of their payload; replay checks every record (see <see cref="WalReplay"/>).</item>
/// </list>
/// <para>Ordering: <c>onDurable</c> is called on the writer thread, in log order, under the same lock as
/// <see cref="Rotate"/>. So when <see cref="Rotate"/> runs its callback, every batch of the earlier
/// segments has been handed to the memtable and no batch of the new segment has: the flush that follows
/// can advance the checkpoint to the new segment without losing or repeating anything.</para>
/// </remarks>
public sealed class WriteAheadLog : IDisposable
{
    private const int MaxGroupBytes = 32 * 1024 * 1024;

    /// <summary>Record heads kept for reuse: about the appends in flight of a busy server.</summary>
    private const int MaxPooledRecordBuffers = 8;

    /// <summary>
    /// A head larger than this (a batch of very many events, fields, distinct names or streams) is not
    /// kept: a head takes about 2 bytes per field and 5 per event (some 80 KB for a full batch of
    /// 4,096 events), and a larger one kept in the pool sat on memory.
    /// </summary>
    private const int MaxPooledHeadBytes = 256 * 1024;

    /// <summary>
    /// A group's records at most: each is two pieces of the group's one gathered write (its head, its
    /// batch's values), and a gathered write takes at most 1,024 pieces (IOV_MAX). A group is
    /// written with one call so that a process killed while writing tears no more than one write.
    /// </summary>
    internal const int MaxGroupRecords = 256;

    private readonly Stack<ArrayBufferWriter<byte>> _recordBuffers = new();
    private bool _recordBuffersUsed;

    /// <summary>The pieces of the group being written (heads and values); the writer thread's alone.</summary>
    private readonly List<ReadOnlyMemory<byte>> _pieces = new(2 * MaxGroupRecords);

    private readonly string _directory;
    private readonly Action<EventBatch, StoredKey?> _onDurable;
    private readonly StoreMetrics _metrics;
    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _lock = new();
    private readonly Thread _writer;
    private FileStream? _segment;
    private long _segmentId;
    private long _segmentLength;
    private bool _disposed;

    /// <summary>Opens a new segment numbered <paramref name="firstSegmentId"/>; replay of older ones is done before.</summary>
    public WriteAheadLog(string directory, long firstSegmentId, Action<EventBatch, StoredKey?> onDurable, StoreMetrics metrics)
    {
        if (!BitConverter.IsLittleEndian)
        {
            // Replay reads version-3 records as the batches' arrays as they are in memory, little-endian by format.
            throw new PlatformNotSupportedException("the write-ahead log needs a little-endian machine");
        }
        _directory = directory;
        _onDurable = onDurable;
        _metrics = metrics;
        Directory.CreateDirectory(directory);
        _segmentId = firstSegmentId - 1;
        OpenNextSegment();
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = "vigie-wal-writer" };
        _writer.Start();
    }

    /// <summary>Why the last group could not be written, or null once a group was written again.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>The id of the segment being written.</summary>
    public long CurrentSegmentId
    {
        get
        {
            lock (_lock)
            {
                return _segmentId;
            }
        }
    }

    /// <summary>
    /// Appends a batch; the task completes once it is durable and handed to <c>onDurable</c>. The batch
    /// must not be changed afterwards. Fails with <see cref="StorageFullException"/> when it cannot be written.
    /// A <paramref name="key"/> goes into the same record as the batch: durable together or not at all.
    /// </summary>
    public Task AppendAsync(EventBatch batch, StoredKey? key = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // The record's head (its header, the key, the batch's counts, names and the varint description
        // of its events and fields): the values are written from the batch itself by the writer thread.
        var buffer = RentRecordBuffer(HeadSizeHint(batch));
        ReadOnlyMemory<byte> head;
        long payloadLength;
        try
        {
            buffer.GetSpan(WalFormat.RecordHeaderSize);
            buffer.Advance(WalFormat.RecordHeaderSize);
            WalKeyCodec.Write(key, buffer);
            EventBatchNarrowCodec.WriteHead(batch, buffer);
            head = buffer.WrittenMemory;
            payloadLength = head.Length - WalFormat.RecordHeaderSize + (long)batch.ValueBytes;
            if (payloadLength > WalFormat.MaxRecordBytes)
            {
                throw new ArgumentException("batch too large for one WAL record", nameof(batch));
            }
        }
        catch (ArgumentException)
        {
            ReturnRecordBuffer(buffer);
            throw;
        }
        var crc = new Crc32();
        crc.Append(head.Span[WalFormat.RecordHeaderSize..]);
        crc.Append(EventBatchNarrowCodec.Values(batch));
        var header = System.Runtime.InteropServices.MemoryMarshal.AsMemory(head[..WalFormat.RecordHeaderSize]).Span;
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], crc.GetCurrentHashAsUInt32());
        var pending = new PendingAppend(head, WalFormat.RecordHeaderSize + payloadLength, buffer, batch, key);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(WriteAheadLog));
        }
        return pending.Completion.Task;
    }

    /// <summary>
    /// Closes the current segment, opens the next, and runs <paramref name="whileLocked"/> before any
    /// append reaches the new segment. Returns the new segment's id: every segment below it holds
    /// only batches already handed to <c>onDurable</c>.
    /// </summary>
    public long Rotate(Action whileLocked)
    {
        lock (_lock)
        {
            OpenNextSegment();
            whileLocked();
            return _segmentId;
        }
    }

    /// <summary>Deletes the segments whose every batch is stored in published parts.</summary>
    public void DeleteSegmentsBefore(long segmentId)
    {
        foreach (var (id, path) in ListSegments(_directory))
        {
            if (id < segmentId)
            {
                File.Delete(path);
            }
        }
    }

    public long DiskBytes() => ListSegments(_directory).Sum(s => new FileInfo(s.Path).Length);

    internal static IEnumerable<(long Id, string Path)> ListSegments(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*" + WalFormat.Extension)
                .Select(p => (Ok: WalFormat.TryParseSegmentId(Path.GetFileName(p), out var id), Id: id, Path: p))
                .Where(s => s.Ok).Select(s => (s.Id, s.Path)).OrderBy(s => s.Id)
            : [];

    private void OpenNextSegment()
    {
        var next = _segmentId + 1;
        var path = Path.Combine(_directory, WalFormat.SegmentFileName(next));
        var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        try
        {
            Span<byte> header = stackalloc byte[WalFormat.HeaderSize];
            header.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(header, WalFormat.Magic);
            BinaryPrimitives.WriteUInt16LittleEndian(header[4..], WalFormat.Version);
            BinaryPrimitives.WriteInt64LittleEndian(header[8..], next);
            stream.Write(header);
            stream.Flush(flushToDisk: true);
            DirectorySync.Sync(_directory);
        }
        catch
        {
            stream.Dispose();
            TryDelete(path);
            throw;
        }
        if (_segment is { } old)
        {
            old.Flush(flushToDisk: true);
            old.Dispose();
        }
        _segment = stream;
        _segmentId = next;
        _segmentLength = WalFormat.HeaderSize;
    }

    private void WriterLoop()
    {
        var group = new List<PendingAppend>();
        var reader = _queue.Reader;
        while (true)
        {
            if (!reader.TryRead(out var first))
            {
                if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                {
                    return;
                }
                continue;
            }
            group.Clear();
            group.Add(first);
            var bytes = first.Length;
            while (bytes < MaxGroupBytes && group.Count < MaxGroupRecords && reader.TryRead(out var next))
            {
                group.Add(next);
                bytes += next.Length;
            }
            Exception? failure = null;
            lock (_lock)
            {
                try
                {
                    WriteGroup(group);
                    LastFailure = null;
                    foreach (var p in group)
                    {
                        _onDurable(p.Batch, p.Key);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    failure = e;
                    LastFailure = DiskErrors.IsDiskFull(e) ? "no space left on the data disk" : e.Message;
                    Interlocked.Increment(ref _metrics.AppendFailures);
                    RecoverFromFailedWrite();
                }
            }
            foreach (var p in group)
            {
                ReturnRecordBuffer(p.Buffer);
            }
            foreach (var p in group)
            {
                if (failure is null)
                {
                    p.Completion.TrySetResult();
                }
                else
                {
                    var message = DiskErrors.IsDiskFull(failure)
                        ? "no space left on the data disk: the write-ahead log cannot take new events; ingestion resumes by itself when space is freed"
                        : $"the write-ahead log cannot be written ({failure.Message}); ingestion resumes by itself when the disk works again";
                    p.Completion.TrySetException(new StorageFullException(message, failure));
                }
            }
            // Not kept until the next group: while the server is idle, the last group's record
            // buffers and batches (about 10 MB for full batches) would stay reachable.
            group.Clear();
        }
    }

    private void WriteGroup(List<PendingAppend> group)
    {
        var segment = _segment ?? throw new IOException("no open WAL segment");
        // The group's records are written with one gathered write (each record's head, then its
        // batch's values where the batch holds them): a process killed between several writes would
        // leave a torn record at the tail, which replay has to quarantine. Gathering the records into
        // one buffer first, as before, copied every byte once more than the kernel's own copy.
        long written = 0;
        try
        {
            foreach (var p in group)
            {
                _pieces.Add(p.Head);
                _pieces.Add(EventBatchNarrowCodec.ValuesMemory(p.Batch));
                written += p.Length;
            }
            RandomAccess.Write(segment.SafeFileHandle, _pieces, _segmentLength);
        }
        finally
        {
            _pieces.Clear();
        }
        var started = Stopwatch.GetTimestamp();
        segment.Flush(flushToDisk: true);
        _metrics.WalFsyncSeconds.Observe(Stopwatch.GetElapsedTime(started));
        Interlocked.Increment(ref _metrics.WalFsyncs);
        Interlocked.Add(ref _metrics.WalBytes, written);
        _segmentLength += written;
    }

    private void RecoverFromFailedWrite()
    {
        try
        {
            _segment!.SetLength(_segmentLength);
            _segment.Position = _segmentLength;
            _segment.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NullReferenceException)
        {
            // The tail may hold a torn record: leave this segment to replay's CRC checks.
        }
        try
        {
            OpenNextSegment();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No room even for a new segment: keep the old one; the next group tries again.
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

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _queue.Writer.TryComplete();
        _writer.Join();
        lock (_lock)
        {
            _segment?.Dispose();
            _segment = null;
        }
    }

    /// <summary>About the bytes of a batch's head, so that a new buffer does not grow by doubling from a few hundred bytes.</summary>
    private static int HeadSizeHint(EventBatch batch) =>
        (int)Math.Min(MaxPooledHeadBytes / 2, 256 + (batch.Names.Count * 16L) + (batch.Streams.Count * 32L) + (batch.Count * 6L) + (batch.TotalFields * 3L));

    /// <summary>
    /// A buffer for a record's head from the pool, else a new one. Heads hold no values (those are
    /// written from the batch), but a batch of many fields, names or streams makes a large one.
    /// </summary>
    private ArrayBufferWriter<byte> RentRecordBuffer(int sizeHint)
    {
        lock (_recordBuffers)
        {
            _recordBuffersUsed = true;
            if (_recordBuffers.TryPop(out var pooled))
            {
                pooled.ResetWrittenCount();
                return pooled;
            }
        }
        return new ArrayBufferWriter<byte>(sizeHint);
    }

    private void ReturnRecordBuffer(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity > MaxPooledHeadBytes)
        {
            return;
        }
        lock (_recordBuffers)
        {
            if (_recordBuffers.Count < MaxPooledRecordBuffers)
            {
                _recordBuffers.Push(buffer);
            }
        }
    }

    /// <summary>
    /// Drops the pooled record buffers when no append used them since the last call; the store calls
    /// it every second or so, so that an idle server keeps none.
    /// </summary>
    public void TrimRecordBuffers()
    {
        lock (_recordBuffers)
        {
            if (!_recordBuffersUsed)
            {
                _recordBuffers.Clear();
            }
            _recordBuffersUsed = false;
        }
    }

    private sealed class PendingAppend(ReadOnlyMemory<byte> head, long length, ArrayBufferWriter<byte> buffer, EventBatch batch, StoredKey? key)
    {
        /// <summary>Where <see cref="Head"/> lives; back to the pool once the record is written (or failed).</summary>
        public ArrayBufferWriter<byte> Buffer { get; } = buffer;

        public StoredKey? Key { get; } = key;

        /// <summary>The record's header and the start of its payload; the batch's values follow.</summary>
        public ReadOnlyMemory<byte> Head { get; } = head;

        /// <summary>The whole record's bytes.</summary>
        public long Length { get; } = length;

        public EventBatch Batch { get; } = batch;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
