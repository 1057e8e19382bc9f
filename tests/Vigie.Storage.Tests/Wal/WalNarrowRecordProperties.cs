using System.Buffers;
using System.Buffers.Binary;
using System.Text;
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
/// Version-4 records (varint descriptions of events and fields, then the values) read back to the
/// same arrays as the batch written; segments of version 3 (the arrays as in memory) still replay
/// exactly; a segment cut at any byte keeps exactly the records before the cut and reports the rest.
/// </summary>
public class WalNarrowRecordProperties
{
    private static readonly string[] Words = ["", "a", "error", "Straße", "日本語 テキスト", "emoji 😀", "line\nbreak", "\"q\"", "\0"];

    /// <summary>Times chosen to make the wrapping difference between neighbours overflow now and then.</summary>
    private static readonly long[] OddTimes = [long.MinValue, long.MaxValue, 0, -1, 1, long.MinValue + 1, long.MaxValue - 1];

    [Fact]
    public void Read_RandomBatch_GivesBackTheSameArrays()
    {
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var batch = RandomBatch(new Random(seed));
            var head = new ArrayBufferWriter<byte>();
            EventBatchNarrowCodec.WriteHead(batch, head);
            var payload = head.WrittenSpan.ToArray().Concat(EventBatchNarrowCodec.Values(batch).ToArray()).ToArray();

            var read = EventBatchNarrowCodec.Read(payload);

            Assert.Equal(Layout(batch), Layout(read));
            Assert.True(payload.Length <= EventBatchNarrowCodec.MaxBodyBytes(batch) + NamesAndStreamsBytes(batch));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Replay_RandomBatchesAndKeysThroughTheLog_GiveBackTheSameArrays()
    {
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var r = new Random(seed);
            var batches = Enumerable.Range(0, r.Next(1, 5)).Select(_ => RandomBatch(r)).ToList();
            var keys = batches.Select((_, i) => r.Next(2) == 0 ? new StoredKey($"k-{seed}-{i}-é", i) : (StoredKey?)null).ToList();
            using var dir = new TempDirectory();
            using (var wal = new WriteAheadLog(dir.Path, 1, (_, _) => { }, new StoreMetrics()))
            {
                Task.WaitAll([.. batches.Select((b, i) => wal.AppendAsync(b, keys[i]))]);
            }
            Assert.Equal(WalFormat.Version, BinaryPrimitives.ReadUInt16LittleEndian(File.ReadAllBytes(SegmentPath(dir.Path)).AsSpan(4)));

            var replayed = Replay(dir.Path, out var result);

            Assert.Equal(0, result.DamagedSegments);
            Assert.Equal(batches.Select(Layout), replayed.Select(p => Layout(p.Batch)));
            Assert.Equal(keys, replayed.Select(p => p.Key));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    /// <summary>A segment as the version before wrote it: header version 3, each record the key then the batch's arrays.</summary>
    [Fact]
    public void Replay_SegmentOfTheLayoutFormat_GivesBackTheSameArraysAndKeys()
    {
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var r = new Random(seed);
            var batches = Enumerable.Range(0, r.Next(1, 4)).Select(_ => RandomBatch(r)).ToList();
            var keys = batches.Select((_, i) => r.Next(2) == 0 ? new StoredKey($"old-{i}", 42 + i) : (StoredKey?)null).ToList();
            using var dir = new TempDirectory();
            File.WriteAllBytes(SegmentPath(dir.Path), LayoutSegment(batches, keys));

            var replayed = Replay(dir.Path, out var result);

            Assert.Equal(0, result.DamagedSegments);
            Assert.Equal(batches.Select(Layout), replayed.Select(p => Layout(p.Batch)));
            Assert.Equal(keys, replayed.Select(p => p.Key));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    /// <summary>
    /// Whatever byte a crash cuts the segment at, replay keeps the records wholly before the cut, and
    /// reports the rest as torn (never reads part of a record as data, never throws).
    /// </summary>
    [Fact]
    public async Task ReadSegment_CutAtAnyByte_KeepsTheWholeRecordsBeforeTheCutAndReportsTheRest()
    {
        var r = new Random(17);
        var batches = Enumerable.Range(0, 3).Select(_ => RandomBatch(r, maxEvents: 6, longValues: false)).ToList();
        using var dir = new TempDirectory();
        using (var wal = new WriteAheadLog(dir.Path, 1, (_, _) => { }, new StoreMetrics()))
        {
            foreach (var batch in batches)
            {
                await wal.AppendAsync(batch, new StoredKey("key", 1));
            }
        }
        var whole = File.ReadAllBytes(SegmentPath(dir.Path));
        var ends = RecordEnds(whole);
        Assert.Equal(batches.Count, ends.Count);

        for (var cut = WalFormat.HeaderSize; cut < whole.Length; cut++)
        {
            var replayed = new List<EventBatch>();
            long count = 0, events = 0;

            var good = WalReplay.ReadSegment(whole.AsSpan(0, cut), 1, (b, _) => replayed.Add(b), ref count, ref events, out var problem);

            var before = ends.Count(e => e <= cut);
            Assert.Equal(before == 0 ? WalFormat.HeaderSize : ends[before - 1], good);
            Assert.Equal(batches.Take(before).Select(Layout), replayed.Select(Layout));
            Assert.Equal(cut == good, problem is null);
        }
    }

    /// <summary>The cut segment, replayed for real: tail quarantined, segment cut back, the next start clean.</summary>
    [Fact]
    public async Task Replay_TornTail_IsQuarantinedOnceAndTheNextStartIsClean()
    {
        var r = new Random(23);
        var batches = Enumerable.Range(0, 2).Select(_ => RandomBatch(r)).ToList();
        using var dir = new TempDirectory();
        using (var wal = new WriteAheadLog(dir.Path, 1, (_, _) => { }, new StoreMetrics()))
        {
            await Task.WhenAll(batches.Select(b => wal.AppendAsync(b)));
        }
        var whole = File.ReadAllBytes(SegmentPath(dir.Path));
        var first = RecordEnds(whole)[0];
        File.WriteAllBytes(SegmentPath(dir.Path), whole.AsSpan(0, first + ((whole.Length - first) / 2)).ToArray());

        var replayed = Replay(dir.Path, out var result);
        var again = Replay(dir.Path, out var second);

        Assert.Equal(1, result.DamagedSegments);
        Assert.Equal([Layout(batches[0])], replayed.Select(p => Layout(p.Batch)));
        Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, "quarantine")));
        Assert.Equal(first, new FileInfo(SegmentPath(dir.Path)).Length);
        Assert.Equal(0, second.DamagedSegments);
        Assert.Equal([Layout(batches[0])], again.Select(p => Layout(p.Batch)));
    }

    /// <summary>The bad field alone, among the first 32 fields (written 32 at a time), and after them.</summary>
    [Theory]
    [InlineData(1, 0)]
    [InlineData(40, 5)]
    [InlineData(40, 35)]
    public async Task AppendAsync_FieldOfAKindNoRecordHolds_IsRefusedAndTheLogGoesOn(int fields, int badField)
    {
        var bad = new EventBatch();
        bad.BeginEvent(1);
        for (var f = 0; f < fields; f++)
        {
            bad.AddField("x" + (f % 20), f == badField ? (ValueKind)5 : ValueKind.String, "v"u8);
        }
        bad.EndEvent(StreamKey.Empty);
        var good = RandomBatch(new Random(3));
        using var dir = new TempDirectory();
        using (var wal = new WriteAheadLog(dir.Path, 1, (_, _) => { }, new StoreMetrics()))
        {
            // Refused at once, before anything is queued.
            Assert.Throws<ArgumentException>(() => { _ = wal.AppendAsync(bad); });
            await wal.AppendAsync(good);
        }

        var replayed = Replay(dir.Path, out var result);

        Assert.Equal(0, result.DamagedSegments);
        Assert.Equal([Layout(good)], replayed.Select(p => Layout(p.Batch)));
    }

    /// <summary>
    /// All kinds, empty and long values (lengths of one, two and three varint bytes), up to a few
    /// hundred names (name ids of one and two varint bytes), unicode names and values, many streams,
    /// times far apart and at the ends of the range, cancelled events, names interned but unused.
    /// </summary>
    internal static EventBatch RandomBatch(Random r, int maxEvents = 40, bool longValues = true)
    {
        var batch = new EventBatch(r.Next(1, 8), r.Next(1, 16), r.Next(16, 256));
        var nameCount = r.Next(4) switch { 0 => 1, 1 => r.Next(1, 40), 2 => r.Next(60, 70), _ => r.Next(1, 400) };
        var names = Enumerable.Range(0, nameCount).Select(i => r.Next(5) == 0 ? $"é-名前-{i}" : $"f{i}").ToArray();
        batch.InternName("unused-" + r.Next(3));
        var streamCount = r.Next(1, r.Next(2) == 0 ? 4 : 300);
        var streams = Enumerable.Range(0, streamCount).Select(i => i == 0 ? StreamKey.Empty : StreamKey.Create([new("host", $"h-{i}-ü")])).ToArray();
        // A third of the batches only short values: lengths below 128 for runs of 32 fields and more.
        longValues &= r.Next(3) != 0;
        var time = r.Next(3) == 0 ? OddTimes[r.Next(OddTimes.Length)] : 1_764_064_800_000_000_000L;
        for (var e = r.Next(0, maxEvents); e > 0; e--)
        {
            time = r.Next(6) switch
            {
                0 => OddTimes[r.Next(OddTimes.Length)],
                1 => time,
                2 => unchecked(time - r.NextInt64(0, 1L << 40)),
                _ => unchecked(time + r.Next(0, 1_000_000_000)),
            };
            batch.BeginEvent(time);
            var used = new HashSet<int>();
            for (var f = r.Next(0, r.Next(2) == 0 ? 4 : 30); f > 0; f--)
            {
                var name = r.Next(names.Length);
                if (used.Add(name))
                {
                    batch.AddField(names[name], (ValueKind)r.Next(1, 5), RandomValue(r, longValues));
                }
            }
            if (r.Next(8) == 0)
            {
                batch.CancelEvent();
                continue;
            }
            batch.EndEvent(streams[r.Next(streams.Length)]);
        }
        return batch;
    }

    private static byte[] RandomValue(Random r, bool longValues) => r.Next(10) switch
    {
        0 => [],
        1 when longValues => Encoding.UTF8.GetBytes(new string('x', r.Next(100, 20_000))),
        2 when longValues => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, r.Next(1, 60)).Select(_ => Words[r.Next(Words.Length)]))),
        _ => Encoding.UTF8.GetBytes(Words[r.Next(Words.Length)] + r.Next(1000)),
    };

    /// <summary>Everything a record must give back, array by array, as text for readable failures.</summary>
    internal static string Layout(EventBatch b) => string.Join("\n",
        $"names {string.Join("|", b.Names)}",
        $"streams {string.Join("|", b.Streams.Select(s => s.Text))}",
        $"times {string.Join(",", b.Times.ToArray())}",
        $"stream indexes {string.Join(",", b.StreamIndexes.ToArray())}",
        $"field starts {string.Join(",", b.FieldStarts.ToArray())}",
        $"name ids {string.Join(",", b.NameIds.ToArray())}",
        $"kinds {string.Join(",", b.Kinds.ToArray().Select(k => (int)k))}",
        $"lengths {string.Join(",", b.ValueLengths.ToArray())}",
        $"values {Convert.ToHexString(b.RawBytes)}");

    private static long NamesAndStreamsBytes(EventBatch b) =>
        b.Names.Sum(n => Encoding.UTF8.GetByteCount(n) + 5L) + b.Streams.Sum(s => Encoding.UTF8.GetByteCount(s.Text) + 5L) + 10;

    /// <summary>A version-3 segment, written with the encoder of that version.</summary>
    internal static byte[] LayoutSegment(IReadOnlyList<EventBatch> batches, IReadOnlyList<StoredKey?> keys)
    {
        var segment = new ArrayBufferWriter<byte>();
        var header = segment.GetSpan(WalFormat.HeaderSize)[..WalFormat.HeaderSize];
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, WalFormat.Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], WalFormat.VersionLayoutBatches);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], 1);
        segment.Advance(WalFormat.HeaderSize);
        for (var i = 0; i < batches.Count; i++)
        {
            var payload = new ArrayBufferWriter<byte>();
            WalKeyCodec.Write(keys[i], payload);
            EventBatchLayoutCodec.WriteHead(batches[i], payload);
            EventBatchLayoutCodec.WriteBody(batches[i], payload);
            EventBatchCodec.WriteRecordHeader(segment.GetSpan(WalFormat.RecordHeaderSize), payload.WrittenSpan);
            segment.Advance(WalFormat.RecordHeaderSize);
            segment.Write(payload.WrittenSpan);
        }
        return segment.WrittenSpan.ToArray();
    }

    /// <summary>Where each record of a whole segment ends.</summary>
    private static List<int> RecordEnds(byte[] segment)
    {
        var ends = new List<int>();
        for (var pos = WalFormat.HeaderSize; pos < segment.Length;)
        {
            pos += WalFormat.RecordHeaderSize + (int)BinaryPrimitives.ReadUInt32LittleEndian(segment.AsSpan(pos));
            ends.Add(pos);
        }
        return ends;
    }

    private static string SegmentPath(string dir) => Path.Combine(dir, WalFormat.SegmentFileName(1));

    private static List<(EventBatch Batch, StoredKey? Key)> Replay(string dir, out WalReplay.Result result)
    {
        var replayed = new List<(EventBatch, StoredKey?)>();
        result = WalReplay.Replay(dir, 1, Path.Combine(dir, "quarantine"), (b, k) => replayed.Add((b, k)), NullLogger.Instance);
        return replayed;
    }
}
