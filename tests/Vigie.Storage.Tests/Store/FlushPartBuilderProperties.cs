using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Parts;
using Vigie.Storage.Store;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Store;

/// <summary>
/// The flush builds its blocks with shortcuts (rows grouped in one array, column buffers kept by name
/// and value arrays lent to the part writer and given back): its part files must be, byte for byte,
/// those of the plain path, every event added by the block builder one at a time in stream and time
/// order and each block built on its own.
/// </summary>
public class FlushPartBuilderProperties
{
    private static readonly StreamKey[] Streams =
    [
        StreamKey.Create([new("host", "web-1")]),
        StreamKey.Create([new("host", "web-2"), new("app", "shop")]),
        StreamKey.Create([new("app", "db")]),
    ];

    private static readonly string[] Names = ["_msg", "path", "status", "level", "é", "user"];

    private static readonly string[] Values = ["", "GET /index.html", "connection refused", "500", "-0", "1.50", "Straße", "日本語", "x", new string('y', 700)];

    // Two days, a few times each: equal times (kept in arrival order) and rows out of time order.
    private static readonly long[] Times = [.. new[] { 1_700_000_000L, 1_700_000_001L, 1_700_050_000L, 1_700_100_000L }.Select(s => s * Timestamps.NanosPerSecond)];

    [Fact]
    public void Blocks_RandomBatches_SamePartFilesAsThePlainBuilder()
    {
        var field = Gen.Zip(Gen.Elements(Names), Gen.Zip(Gen.Elements(Values), Gen.Elements(ValueKind.String, ValueKind.Number)));
        var @event = Gen.Zip(Gen.Zip(Gen.Elements(Times), Gen.Choose(0, Streams.Length - 1)), field.ArrayOf());
        var batch = @event.ArrayOf().Where(e => e.Length > 0);
        var batches = batch.ArrayOf().Where(b => b.Length is > 0 and <= 5);
        Prop.ForAll(batches.ToArbitrary(), script =>
        {
            var built = script.Select(MakeBatch).ToList();
            using var dir = new TempDirectory();

            var flushed = new List<string>();
            foreach (var (day, streams) in FlushPartBuilder.Group(built))
            {
                var path = dir.File($"flush-{day}.part");
                PartWriter.Write(path, FlushPartBuilder.Blocks(built, streams), new PartWriteOptions { Sync = false });
                flushed.Add(path);
            }
            var plain = new List<string>();
            foreach (var (day, blocks) in PlainBlocks(built))
            {
                var path = dir.File($"plain-{day}.part");
                PartWriter.Write(path, blocks, new PartWriteOptions { Sync = false });
                plain.Add(path);
            }

            Assert.Equal(plain.Count, flushed.Count);
            for (var i = 0; i < plain.Count; i++)
            {
                Assert.Equal(File.ReadAllBytes(plain[i]), File.ReadAllBytes(flushed[i]));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(150));
    }

    [Fact]
    public void Blocks_SeveralFlushesThroughOneScratch_SamePartFilesAsThePlainBuilder()
    {
        // A scratch kept between flushes carries grown arrays, spare column buffers and lent value
        // arrays from one flush to the next, of other sizes and other columns: nothing of an earlier
        // flush may show in a later one's part files.
        var field = Gen.Zip(Gen.Elements(Names), Gen.Zip(Gen.Elements(Values), Gen.Elements(ValueKind.String, ValueKind.Number)));
        var @event = Gen.Zip(Gen.Zip(Gen.Elements(Times), Gen.Choose(0, Streams.Length - 1)), field.ArrayOf());
        var batch = @event.ArrayOf().Where(e => e.Length > 0);
        var flush = batch.ArrayOf().Where(b => b.Length is > 0 and <= 4);
        var flushes = flush.ArrayOf().Where(f => f.Length is > 1 and <= 4);
        Prop.ForAll(flushes.ToArbitrary(), script =>
        {
            using var dir = new TempDirectory();
            var scratch = new FlushScratch();
            for (var f = 0; f < script.Length; f++)
            {
                var built = script[f].Select(MakeBatch).ToList();
                var flushed = new List<string>();
                foreach (var (day, streams) in FlushPartBuilder.Group(built, scratch))
                {
                    var path = dir.File($"flush-{f}-{day}.part");
                    PartWriter.Write(path, FlushPartBuilder.Blocks(built, streams, scratch.Builder), new PartWriteOptions { Sync = false });
                    flushed.Add(path);
                }
                scratch.Release();
                var plain = new List<string>();
                foreach (var (day, blocks) in PlainBlocks(built))
                {
                    var path = dir.File($"plain-{f}-{day}.part");
                    PartWriter.Write(path, blocks, new PartWriteOptions { Sync = false });
                    plain.Add(path);
                }

                Assert.Equal(plain.Count, flushed.Count);
                for (var i = 0; i < plain.Count; i++)
                {
                    Assert.Equal(File.ReadAllBytes(plain[i]), File.ReadAllBytes(flushed[i]));
                }
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }

    private static EventBatch MakeBatch(((long Time, int Stream), (string Name, (string Value, ValueKind Kind))[])[] events)
    {
        var batch = new EventBatch();
        foreach (var ((time, stream), fields) in events)
        {
            batch.BeginEvent(time);
            foreach (var (name, (value, kind)) in fields)
            {
                // A field may come twice in one event: the last value wins in both paths.
                batch.AddField(name, kind, System.Text.Encoding.UTF8.GetBytes(value));
            }
            batch.EndEvent(Streams[stream]);
        }
        return batch;
    }

    /// <summary>Per day, its blocks the plain way: streams by key text, rows by time then arrival, one builder call per event.</summary>
    private static IEnumerable<(int Day, List<ColumnarBlock> Blocks)> PlainBlocks(List<EventBatch> batches)
    {
        var rows = batches.SelectMany((b, bi) => Enumerable.Range(0, b.Count).Select(e => (Batch: b, Index: e, Order: (bi * 100_000) + e))).ToList();
        foreach (var day in rows.GroupBy(r => Timestamps.DayOf(r.Batch.GetTime(r.Index))).OrderBy(g => g.Key))
        {
            var blocks = new List<ColumnarBlock>();
            foreach (var stream in day.GroupBy(r => r.Batch.GetStream(r.Index)).OrderBy(g => g.Key.Text, StringComparer.Ordinal))
            {
                var builder = new ColumnarBlockBuilder(stream.Key);
                foreach (var row in stream.OrderBy(r => r.Batch.GetTime(r.Index)).ThenBy(r => r.Order))
                {
                    if (builder.RowCount >= BlockCut.MaxRows || builder.ValueBytes >= BlockCut.MaxValueBytes)
                    {
                        blocks.Add(builder.Build());
                        builder.Reset(stream.Key);
                    }
                    builder.Add(row.Batch.GetTime(row.Index), row.Batch, row.Index);
                }
                blocks.Add(builder.Build());
            }
            yield return (day.Key, blocks);
        }
    }
}
