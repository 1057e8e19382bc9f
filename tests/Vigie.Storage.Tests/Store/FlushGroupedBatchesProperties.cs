using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Parts;
using Vigie.Storage.Store;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Store;

/// <summary>
/// The store holds its batches grouped by stream (<see cref="CompactBatchPool.Copy"/>): a flush of
/// random batches so held, some of them or all, writes the same part files, byte for byte, as the
/// flush of the same batches as they arrived. Within a stream the grouping keeps arrival order,
/// which is the flush's order among equal times; times are cut to the hour so that such ties are
/// common, and streams are many so that each batch's runs are short.
/// </summary>
public class FlushGroupedBatchesProperties
{
    private static readonly PartWriteOptions NoSync = new() { Sync = false };

    [Fact]
    public void Flush_GroupedBatches_SamePartFilesAsTheBatchesAsTheyCame()
    {
        using var dir = new TempDirectory();
        var pool = new CompactBatchPool(64 << 20);
        var plainScratch = new FlushScratch();
        var groupedScratch = new FlushScratch();
        var grouped = 0;
        var flushes = (from seed in Gen.Choose(0, int.MaxValue) from events in Gen.Choose(1, 400) from streams in Gen.Choose(1, 60) select (seed, events, streams)).ArrayOf()
            .Select(b => b.Take(6).ToArray()).Where(b => b.Length > 0).ToArbitrary();
        var file = 0;
        Prop.ForAll(flushes, Gen.Choose(0, 2).ToArbitrary(), ((int Seed, int Events, int Streams)[] flush, int mix) =>
        {
            var batches = new List<EventBatch>();
            var held = new List<EventBatch>();
            foreach (var (seed, count, streams) in flush)
            {
                var random = new Random(seed);
                var batch = new EventBatch();
                for (var e = 0; e < count; e++)
                {
                    var made = RandomEvents.Make(random, 1_700_000_000L * Timestamps.NanosPerSecond);
                    var stream = StreamKey.Create([new("host", "h" + random.Next(streams))]);
                    batch.Add(new LogEvent(made.TimeNs - (made.TimeNs % (3600 * Timestamps.NanosPerSecond)), stream, made.Fields));
                }
                batches.Add(batch);
                // mix 0: every batch grouped; 1: every other one; 2: the first only.
                var group = mix switch { 0 => true, 1 => batches.Count % 2 == 0, _ => batches.Count == 1 };
                var copy = group ? pool.Copy(batch) : batch;
                grouped += copy.IsGroupedByStream ? 1 : 0;
                held.Add(copy);
            }

            var plain = Write(batches, plainScratch, dir, ref file);
            var fromHeld = Write(held, groupedScratch, dir, ref file);
            Assert.Equal(plain.Count, fromHeld.Count);
            for (var p = 0; p < plain.Count; p++)
            {
                Assert.True(File.ReadAllBytes(plain[p]).AsSpan().SequenceEqual(File.ReadAllBytes(fromHeld[p])), $"part {p} differs");
            }
            foreach (var copy in held.Where(h => !batches.Contains(h)))
            {
                copy.Release();
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
        Assert.True(grouped > 0, "no batch was grouped");
    }

    private static List<string> Write(List<EventBatch> batches, FlushScratch scratch, TempDirectory dir, ref int file)
    {
        var paths = new List<string>();
        foreach (var (day, streams) in FlushPartBuilder.Group(batches, scratch))
        {
            var path = dir.File($"{file++}-{day}.part");
            PartWriter.Write(path, FlushPartBuilder.Blocks(batches, streams, scratch.Builder), NoSync);
            paths.Add(path);
        }
        scratch.Release();
        return paths;
    }
}
