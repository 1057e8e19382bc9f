using System.Buffers;
using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Core;
using Vigie.Storage.Idempotency;
using Vigie.Storage.Store;
using Vigie.Storage.Tests.Parts;
using Vigie.Storage.Tests.Store;
using Vigie.Storage.Wal;

namespace Vigie.Storage.Tests.Wal;

/// <summary>
/// The WAL's records (version 4: varint descriptions of the events, then the values) read back exactly,
/// segments written in an earlier format (version 2, varint batches) still replay, and damaged records are reported,
/// never thrown.
/// </summary>
public class WalFormatTests
{
    private static readonly long BaseTime = Timestamps.FromDateTime(new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc));

    [Fact]
    public void Replay_RandomBatchesWrittenByTheLog_ComeBackExactly()
    {
        var seeds = Gen.Choose(0, int.MaxValue).ToArbitrary();
        Prop.ForAll(seeds, seed =>
        {
            var r = new Random(seed);
            var batches = Enumerable.Range(0, r.Next(1, 4)).Select(_ => RandomBatch(r)).ToList();
            var keys = batches.Select((_, i) => r.Next(3) == 0 ? new StoredKey($"key-{seed}-{i}", 1_764_064_800_000 + i) : (StoredKey?)null).ToList();
            using var dir = new TempDirectory();
            using (var wal = new WriteAheadLog(dir.Path, 1, (_, _) => { }, new StoreMetrics()))
            {
                Task.WaitAll([.. batches.Select((b, i) => wal.AppendAsync(b, keys[i]))]);
            }

            var replayed = Replay(dir.Path, out var result);

            Assert.Equal(0, result.DamagedSegments);
            Assert.Equal(batches.Select(Describe), replayed.Select(p => Describe(p.Batch)));
            Assert.Equal(keys.Select(k => k?.Key), replayed.Select(p => p.Key?.Key));
            Assert.Equal(keys.Select(k => k?.StoredUnixMs), replayed.Select(p => p.Key?.StoredUnixMs));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    /// <summary>
    /// One log, many groups of very different sizes (a few events, then batches of megabytes, then
    /// few again), with the pooled buffers trimmed now and then: the gather buffer kept from one
    /// group to the next, grown or dropped, and the heads taken from and given back to their pool
    /// never mix one record's bytes into another's.
    /// </summary>
    [Fact]
    public void Replay_GroupsOfChangingSizesThroughOneLog_ComeBackExactly()
    {
        var seeds = Gen.Choose(0, int.MaxValue).ToArbitrary();
        Prop.ForAll(seeds, seed =>
        {
            var r = new Random(seed);
            var batches = new List<EventBatch>();
            using var dir = new TempDirectory();
            using (var wal = new WriteAheadLog(dir.Path, 1, (_, _) => { }, new StoreMetrics()))
            {
                for (var round = r.Next(2, 6); round > 0; round--)
                {
                    var group = Enumerable.Range(0, r.Next(1, 5)).Select(_ => r.Next(3) == 0 ? LargeBatch(r) : RandomBatch(r)).ToList();
                    batches.AddRange(group);
                    Task.WaitAll([.. group.Select(b => wal.AppendAsync(b))]);
                    if (r.Next(3) == 0)
                    {
                        // The first call notes them used, the second drops them: the next group starts afresh.
                        wal.TrimRecordBuffers();
                        wal.TrimRecordBuffers();
                    }
                }
            }

            var replayed = Replay(dir.Path, out var result);

            Assert.Equal(0, result.DamagedSegments);
            Assert.Equal(batches.Select(Describe), replayed.Select(p => Describe(p.Batch)));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(25));
    }

    /// <summary>A batch of about 0.3 to 1.5 MB of values: a few of them make a group larger than the gather buffer's step.</summary>
    private static EventBatch LargeBatch(Random r)
    {
        var batch = new EventBatch(64, 256, 4096);
        var value = new byte[r.Next(300_000, 1_500_000) / 4];
        for (var i = 0; i < 4; i++)
        {
            r.NextBytes(value);
            for (var b = 0; b < value.Length; b++)
            {
                value[b] = (byte)('a' + (value[b] % 26));
            }
            batch.BeginEvent(BaseTime + i);
            batch.AddField(FieldNames.Message, ValueKind.String, value);
            batch.EndEvent(StreamKey.Empty);
        }
        return batch;
    }

    [Fact]
    public void Replay_SegmentOfTheVarintFormat_StillReadsEveryBatchAndKey()
    {
        var r = new Random(5);
        var batches = Enumerable.Range(0, 3).Select(_ => RandomBatch(r)).ToList();
        using var dir = new TempDirectory();
        // Written as the version before this format wrote them: a version-2 header, then per record
        // the key prefix and the varint batch.
        var segment = new ArrayBufferWriter<byte>();
        var header = segment.GetSpan(16);
        header[..16].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0x4C415756);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], 1);
        segment.Advance(16);
        for (var i = 0; i < batches.Count; i++)
        {
            var payload = new ArrayBufferWriter<byte>();
            WalKeyCodec.Write(i == 1 ? new StoredKey("old-key", 42) : null, payload);
            EventBatchCodec.Write(batches[i], payload);
            var recordHeader = segment.GetSpan(8);
            EventBatchCodec.WriteRecordHeader(recordHeader, payload.WrittenSpan);
            segment.Advance(8);
            segment.Write(payload.WrittenSpan);
        }
        File.WriteAllBytes(Path.Combine(dir.Path, "00000000000000000001.wal"), segment.WrittenSpan.ToArray());

        var replayed = Replay(dir.Path, out var result);

        Assert.Equal(0, result.DamagedSegments);
        Assert.Equal(batches.Select(Describe), replayed.Select(p => Describe(p.Batch)));
        Assert.Equal([null, "old-key", null], replayed.Select(p => p.Key?.Key));
    }

    [Fact]
    public async Task ReadSegment_DamagedPayloadWithAValidChecksum_IsReportedNeverThrown()
    {
        var r = new Random(9);
        using var dir = new TempDirectory();
        using (var wal = new WriteAheadLog(dir.Path, 1, (_, _) => { }, new StoreMetrics()))
        {
            await wal.AppendAsync(RandomBatch(r));
        }
        var good = File.ReadAllBytes(Path.Combine(dir.Path, "00000000000000000001.wal"));
        var damage = (from at in Gen.Choose(16 + 8, good.Length - 1)
                      from value in Gen.Choose(0, 255)
                      from count in Gen.Choose(1, 4)
                      select (at, value, count)).ToArbitrary();
        var decodedDamaged = 0;

        Prop.ForAll(damage, d =>
        {
            var bytes = (byte[])good.Clone();
            for (var k = 0; k < d.count; k++)
            {
                bytes[Math.Min(bytes.Length - 1, d.at + (k * 7))] = (byte)(d.value + k);
            }
            // Recompute the checksum, so that the decoder itself meets the damage.
            var payload = bytes.AsSpan(16 + 8);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16 + 4), System.IO.Hashing.Crc32.HashToUInt32(payload));
            long batches = 0, events = 0;

            WalReplay.ReadSegment(bytes, 1, (_, _) => { }, ref batches, ref events, out var problem);

            Assert.True(problem is null || problem.StartsWith("record does not decode", StringComparison.Ordinal) || problem.StartsWith("torn", StringComparison.Ordinal), problem);
            if (problem is not null)
            {
                decodedDamaged++;
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));

        Assert.True(decodedDamaged > 0, "no damage was ever detected");
    }

    private static List<(EventBatch Batch, StoredKey? Key)> Replay(string dir, out WalReplay.Result result)
    {
        var replayed = new List<(EventBatch, StoredKey?)>();
        result = WalReplay.Replay(dir, 1, Path.Combine(dir, "quarantine"), (b, k) => replayed.Add((b, k)), NullLogger.Instance);
        return replayed;
    }

    /// <summary>Events with cancelled ones in between and names interned but unused, as decoders leave them.</summary>
    private static EventBatch RandomBatch(Random r)
    {
        var batch = new EventBatch(r.Next(1, 8), r.Next(1, 16), r.Next(16, 256));
        batch.InternName("unused-" + r.Next(3));
        for (var i = r.Next(0, 40); i > 0; i--)
        {
            var e = RandomEvents.Make(r, BaseTime);
            if (r.Next(6) == 0)
            {
                batch.BeginEvent(e.TimeNs);
                batch.AddField("cancelled", ValueKind.String, "x");
                batch.CancelEvent();
            }
            batch.Add(e);
        }
        return batch;
    }

    private static string Describe(EventBatch batch) =>
        $"{batch.Count}: " + string.Join(" / ", batch.ToLogEvents().Select(RandomEvents.Describe));
}
