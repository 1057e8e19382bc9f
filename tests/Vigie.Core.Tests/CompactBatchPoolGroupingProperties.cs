using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;

namespace Vigie.Core.Tests;

/// <summary>
/// <see cref="CompactBatchPool.Copy"/> lays a batch's events out grouped by stream (a stable counting
/// sort on the stream indexes): against the source, the same events in every respect, read in the
/// order they arrived; each stream's events form the run its starts say, in arrival order; the raw
/// views the WAL and the flush read stay consistent (each value right after the one before).
/// </summary>
public class CompactBatchPoolGroupingProperties
{
    private static readonly StreamFields Streams = new(["host", "app"]);
    private static readonly string[] Names = ["host", "app", "_msg", "level", "status", "é"];

    /// <summary>A batch of events of up to <paramref name="streams"/> streams (ASCII keys: all distinct), some events without fields.</summary>
    private static EventBatch Make(int seed, int events, int streams)
    {
        var r = new Random(seed);
        var batch = new EventBatch(events: 512, fields: 512 * 8, valueBytes: 1 << 16);
        for (var i = 0; i < events; i++)
        {
            batch.BeginEvent(r.NextInt64(0, 1_000));
            var fields = r.Next(0, 6);
            for (var f = 0; f < fields; f++)
            {
                var name = Names[r.Next(Names.Length)];
                var value = name is "host" or "app" ? "s" + r.Next(streams) : new string('v', r.Next(0, 90));
                batch.AddField(name, (ValueKind)r.Next((int)ValueKind.String, (int)ValueKind.Json + 1), value);
            }
            if (r.Next(6) == 0)
            {
                batch.CancelEvent();
                continue;
            }
            batch.EndEvent(Streams);
        }
        return batch;
    }

    [Fact]
    public void Copy_GroupsEventsByStream_InArrivalOrder_SameEvents()
    {
        var cases = (from seed in Gen.Choose(0, 100_000) from events in Gen.Choose(0, 300) from streams in Gen.Choose(1, 40) select (seed, events, streams)).ToArbitrary();
        var pool = new CompactBatchPool(maxPooledBytes: 16 << 20);
        Prop.ForAll(cases, c =>
        {
            var (seed, events, streams) = c;
            var source = Make(seed, events, streams);
            var copy = pool.Copy(source);
            try
            {
                Assert.Equal(CompactBatchPoolTests.Describe(source), CompactBatchPoolTests.Describe(copy));
                AssertValuesFollowOneAnother(copy);
                Assert.Equal(source.Count >= 2 && source.Streams.Count >= 2, copy.IsGroupedByStream);
                if (!copy.IsGroupedByStream)
                {
                    return;
                }
                var runs = copy.StreamRunStarts;
                Assert.Equal(copy.Streams.Count + 1, runs.Length);
                Assert.Equal(0, runs[0]);
                Assert.Equal(copy.Count, runs[^1]);
                for (var s = 0; s < copy.Streams.Count; s++)
                {
                    for (var p = runs[s]; p < runs[s + 1]; p++)
                    {
                        Assert.Equal(s, copy.GetStreamIndex(p));
                    }
                }
                // Stable: along the arrival order, each stream's places only grow.
                var last = new Dictionary<int, int>();
                var seen = new HashSet<int>();
                for (var arrival = 0; arrival < copy.Count; arrival++)
                {
                    var place = copy.PlaceOfArrival(arrival);
                    Assert.True(seen.Add(place));
                    var stream = copy.GetStreamIndex(place);
                    Assert.True(!last.TryGetValue(stream, out var before) || before < place);
                    last[stream] = place;
                }
            }
            finally
            {
                copy.Release();
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Copy_OfTwoStreamIndexesWithOneKey_KeepsTheOrderItArrivedIn()
    {
        // 0xFF and 0xFE are both decoded to U+FFFD: two stream indexes (their bytes differ) of one
        // key. Grouped by index, the key's events would change order: the copy keeps the source's.
        var source = Batch([[0xFF], [0x41], [0xFE], [0xFF], [0x41], [0xFE]]);
        Assert.Equal(3, source.Streams.Count);
        Assert.Equal(source.Streams[0], source.Streams[2]);

        // A batch of the same size with three distinct keys is grouped; its copy's buffers are then
        // reused for the batch above.
        var pool = new CompactBatchPool(1 << 20);
        var grouped = pool.Copy(Batch([[0x42], [0x41], [0x43], [0x42], [0x41], [0x43]]));
        Assert.True(grouped.IsGroupedByStream);
        grouped.Release();
        var copy = pool.Copy(source);

        Assert.Same(grouped, copy); // the grouped copy's buffers, reused
        Assert.False(copy.IsGroupedByStream);
        Assert.True(copy.StreamRunStarts.IsEmpty);
        Assert.Equal(source.StreamIndexes.ToArray(), copy.StreamIndexes.ToArray());
        Assert.Equal(CompactBatchPoolTests.Describe(source), CompactBatchPoolTests.Describe(copy));
        for (var i = 0; i < copy.Count; i++)
        {
            Assert.Equal(i, copy.PlaceOfArrival(i));
        }
    }

    private static EventBatch Batch(byte[][] hosts)
    {
        var batch = new EventBatch();
        for (var i = 0; i < hosts.Length; i++)
        {
            batch.BeginEvent(7);
            batch.AddField("host", ValueKind.String, hosts[i]);
            batch.AddField("_msg", ValueKind.String, [(byte)('a' + i)]);
            batch.EndEvent(Streams);
        }
        return batch;
    }

    [Fact]
    public void Copy_OfRandomBatches_SameEventsInArrivalOrder_WhetherGroupedOrNot()
    {
        // The other tests' batches: random value bytes, so that some hold two indexes of one key.
        var grouped = 0;
        var plain = 0;
        var pool = new CompactBatchPool(maxPooledBytes: 16 << 20);
        Prop.ForAll(Gen.Choose(0, 10_000).ToArbitrary(), Gen.Choose(0, 300).ToArbitrary(), (seed, events) =>
        {
            var source = CompactBatchPoolTests.Make(seed, events);
            var copy = pool.Copy(source);
            Assert.Equal(CompactBatchPoolTests.Describe(source), CompactBatchPoolTests.Describe(copy));
            AssertValuesFollowOneAnother(copy);
            _ = copy.IsGroupedByStream ? grouped++ : plain++;
            copy.Release();
        }).QuickCheckThrowOnFailure();
        Assert.True(grouped > 0 && plain > 0, $"{grouped} grouped, {plain} not");
    }

    /// <summary>Each field's value lies in <see cref="EventBatch.RawBytes"/> right after the one before (what the WAL writes).</summary>
    private static void AssertValuesFollowOneAnother(EventBatch batch)
    {
        var raw = batch.RawBytes;
        var position = 0;
        var lengths = batch.ValueLengths;
        for (var f = 0; f < batch.TotalFields; f++)
        {
            Assert.True(raw.Slice(position, lengths[f]).SequenceEqual(batch.GetValue(f)));
            position += lengths[f];
        }
        Assert.Equal(raw.Length, position);
        var starts = batch.FieldStarts;
        Assert.Equal(0, starts[0]);
        Assert.Equal(batch.TotalFields, starts[^1]);
        for (var e = 0; e < batch.Count; e++)
        {
            Assert.True(starts[e] <= starts[e + 1]);
        }
    }
}
