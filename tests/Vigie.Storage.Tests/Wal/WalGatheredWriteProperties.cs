using System.Buffers;
using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Core;
using Vigie.Storage.Idempotency;
using Vigie.Storage.Store;
using Vigie.Storage.Tests.Parts;
using Vigie.Storage.Wal;

namespace Vigie.Storage.Tests.Wal;

/// <summary>
/// A group of records is written with one gathered write, each record's head and then its batch's
/// values where the batch holds them: the segment's bytes are those of the records encoded one
/// after the other into one buffer, whatever the groups' sizes, and a group never holds more
/// records than one gathered write takes.
/// </summary>
public class WalGatheredWriteProperties
{
    [Fact]
    public void Append_GroupsOfRandomSizes_SegmentIsTheRecordsEncodedOneAfterTheOther()
    {
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var r = new Random(seed);
            var batches = Enumerable.Range(0, r.Next(1, 12))
                .Select(_ => r.Next(6) == 0 ? new EventBatch() : WalNarrowRecordProperties.RandomBatch(r, maxEvents: 30, longValues: r.Next(2) == 0))
                .ToList();
            var keys = batches.Select((_, i) => r.Next(2) == 0 ? new StoredKey($"k-{seed}-{i}", i) : (StoredKey?)null).ToList();
            // The writer is held in its first group for a random number of the appends, so that the
            // others queue and go out as groups of several records.
            var held = r.Next(0, batches.Count);
            using var dir = new TempDirectory();
            var appends = AppendWithWriterHeld(dir.Path, batches, keys, held, new StoreMetrics());

            Assert.All(appends, a => Assert.True(a.IsCompletedSuccessfully));
            Assert.Equal(ReferenceSegment(batches, keys), File.ReadAllBytes(Path.Combine(dir.Path, WalFormat.SegmentFileName(1))));
            var replayed = Replay(dir.Path);
            Assert.Equal(batches.Select(WalNarrowRecordProperties.Layout), replayed.Select(p => WalNarrowRecordProperties.Layout(p.Batch)));
            Assert.Equal(keys, replayed.Select(p => p.Key));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    [Fact]
    public void Append_MoreQueuedThanOneWriteTakes_SplitIntoGroupsOfAtMostTheLimit()
    {
        // Two pieces per record, at most 1,024 pieces (IOV_MAX) per gathered write.
        const int recordsPerWrite = 1024 / 2;
        Assert.True(WriteAheadLog.MaxGroupRecords <= recordsPerWrite);
        var r = new Random(11);
        var count = (3 * recordsPerWrite) + 8;
        var batches = Enumerable.Range(0, count).Select(_ => WalNarrowRecordProperties.RandomBatch(r, maxEvents: 2, longValues: false)).ToList();
        var keys = batches.Select(_ => (StoredKey?)null).ToList();
        var metrics = new StoreMetrics();
        using var dir = new TempDirectory();

        var appends = AppendWithWriterHeld(dir.Path, batches, keys, held: 1, metrics);

        Assert.All(appends, a => Assert.True(a.IsCompletedSuccessfully));
        // The first group holds the first append alone; the other records queued behind it.
        Assert.True(Interlocked.Read(ref metrics.WalFsyncs) >= 1 + ((count - 1 + recordsPerWrite - 1) / recordsPerWrite));
        Assert.Equal(ReferenceSegment(batches, keys), File.ReadAllBytes(Path.Combine(dir.Path, WalFormat.SegmentFileName(1))));
    }

    /// <summary>
    /// Appends the first <paramref name="held"/> + 1 batches, holds the writer in the first one's
    /// hand-over until the rest are queued too, then disposes the log (which writes what is queued).
    /// </summary>
    private static List<Task> AppendWithWriterHeld(string dir, List<EventBatch> batches, List<StoredKey?> keys, int held, StoreMetrics metrics)
    {
        using var writerHeld = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var durable = 0;
        var appends = new List<Task>();
        using (var wal = new WriteAheadLog(dir, 1, (_, _) =>
        {
            if (durable++ == 0)
            {
                writerHeld.Set();
                release.Wait();
            }
        }, metrics))
        {
            for (var i = 0; i <= held && i < batches.Count; i++)
            {
                appends.Add(wal.AppendAsync(batches[i], keys[i]));
            }
            writerHeld.Wait();
            for (var i = held + 1; i < batches.Count; i++)
            {
                appends.Add(wal.AppendAsync(batches[i], keys[i]));
            }
            release.Set();
            // Bounded, so that a lost append fails the test instead of hanging it.
            Assert.True(Task.WaitAll([.. appends], TimeSpan.FromMinutes(1)));
        }
        Assert.Equal(batches.Count, durable);
        return appends;
    }

    /// <summary>The segment as one buffer: its header, then each record (header, key, head, values).</summary>
    private static byte[] ReferenceSegment(List<EventBatch> batches, List<StoredKey?> keys)
    {
        var segment = new ArrayBufferWriter<byte>();
        var header = segment.GetSpan(WalFormat.HeaderSize)[..WalFormat.HeaderSize];
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, WalFormat.Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], WalFormat.Version);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], 1);
        segment.Advance(WalFormat.HeaderSize);
        for (var i = 0; i < batches.Count; i++)
        {
            var payload = new ArrayBufferWriter<byte>();
            WalKeyCodec.Write(keys[i], payload);
            EventBatchNarrowCodec.WriteHead(batches[i], payload);
            payload.Write(EventBatchNarrowCodec.Values(batches[i]));
            EventBatchCodec.WriteRecordHeader(segment.GetSpan(WalFormat.RecordHeaderSize), payload.WrittenSpan);
            segment.Advance(WalFormat.RecordHeaderSize);
            segment.Write(payload.WrittenSpan);
        }
        return segment.WrittenSpan.ToArray();
    }

    private static List<(EventBatch Batch, StoredKey? Key)> Replay(string dir)
    {
        var replayed = new List<(EventBatch, StoredKey?)>();
        WalReplay.Replay(dir, 1, Path.Combine(dir, "quarantine"), (b, k) => replayed.Add((b, k)), NullLogger.Instance);
        return replayed;
    }
}
