using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Parts;
using Vigie.Storage.Store;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Store;

/// <summary>
/// A flush of random batches, through one scratch kept from flush to flush as the store keeps it
/// (its blocks' times, kinds and offsets then lent in arrays longer than their rows), read back
/// from its part files: every event comes back exactly (fields, bytes, kinds), in its own
/// stream and day, each stream's rows in time order and arrival order among equal times.
/// </summary>
public class FlushRoundTripProperties
{
    private static readonly PartWriteOptions NoSync = new() { Sync = false };

    [Fact]
    public void Flush_RandomBatches_ReadsBackExactly()
    {
        using var dir = new TempDirectory();
        var scratch = new FlushScratch();
        WarmUp(scratch);
        var parts = 0;
        // Blocks whose times and every column's kinds and offsets were arrays longer than their rows.
        var lentLonger = 0;
        // Per flush, the seed and size of each batch: batches of one event up to a few hundred, so
        // that a stream's rows come from several batches, and a scratch grown by one flush is
        // reused, larger than needed, by the next.
        var flushes = Gen.Zip(Gen.Choose(0, int.MaxValue), Gen.Choose(1, 300)).ArrayOf()
            .Select(b => b.Take(6).ToArray()).Where(b => b.Length > 0).ArrayOf()
            .Select(f => f.Take(3).ToArray()).Where(f => f.Length > 0).ToArbitrary();
        Prop.ForAll(flushes, ((int Seed, int Events)[][] script) =>
        {
            foreach (var flush in script)
            {
                var events = new List<LogEvent>();
                var batches = new List<EventBatch>();
                foreach (var (seed, count) in flush)
                {
                    var random = new Random(seed);
                    var batch = new EventBatch();
                    for (var e = 0; e < count; e++)
                    {
                        // Few distinct times, so that equal times within a stream are common.
                        var made = RandomEvents.Make(random, 1_700_000_000L * Timestamps.NanosPerSecond);
                        var @event = new LogEvent(made.TimeNs - (made.TimeNs % (3600 * Timestamps.NanosPerSecond)), made.Stream, made.Fields);
                        batch.Add(@event);
                        events.Add(@event);
                    }
                    batches.Add(batch);
                }

                var read = new List<string>();
                foreach (var (day, streams) in FlushPartBuilder.Group(batches, scratch))
                {
                    var path = dir.File($"{parts++}-{day}.part");
                    var blocks = FlushPartBuilder.Blocks(batches, streams, scratch.Builder).Select(block =>
                    {
                        if (block.Times.Length > block.RowCount && block.Columns.All(c => c.Kinds.Length > c.RowCount && c.Offsets.Length > c.RowCount + 1))
                        {
                            lentLonger++;
                        }
                        return block;
                    });
                    PartWriter.Write(path, blocks, NoSync);
                    using var reader = PartReader.Open(path);
                    for (var b = 0; b < reader.Blocks.Count; b++)
                    {
                        var block = reader.ReadBlock(b);
                        for (var r = 0; r < block.RowCount; r++)
                        {
                            var e = block.ToLogEvent(r);
                            Assert.Equal(day, Timestamps.DayOf(e.TimeNs));
                            read.Add(RandomEvents.Describe(e));
                        }
                    }
                }
                scratch.Release();

                // Days in order, streams by their key's text within a day, rows by time then arrival.
                var expected = events
                    .Select((e, arrival) => (Event: e, Arrival: arrival))
                    .OrderBy(x => Timestamps.DayOf(x.Event.TimeNs))
                    .ThenBy(x => x.Event.Stream.Text, StringComparer.Ordinal)
                    .ThenBy(x => x.Event.TimeNs)
                    .ThenBy(x => x.Arrival)
                    .Select(x => RandomEvents.Describe(x.Event));
                Assert.Equal(expected, read);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
        Assert.True(lentLonger > 0, "no block was written through arrays longer than its rows");
    }

    /// <summary>
    /// A scratch warm from a larger flush before: its builder's arrays, lent to the blocks, are longer
    /// than the blocks of the flushes that follow.
    /// </summary>
    private static void WarmUp(FlushScratch scratch)
    {
        var random = new Random(7);
        var builder = scratch.Builder;
        builder.Reset(StreamKey.Empty);
        for (var e = 0; e < 2_000; e++)
        {
            var made = RandomEvents.Make(random, 1_700_000_000L * Timestamps.NanosPerSecond);
            builder.Add(new LogEvent(e, StreamKey.Empty, made.Fields));
        }
        builder.BuildLent().ReturnLentBuffers();
        scratch.Release();
    }
}
