using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;

namespace Vigie.Core.Tests;

public class CompactBatchPoolTests
{
    private static readonly StreamFields Streams = new(["host", "service"]);
    private static readonly string[] Names = ["host", "service", "_msg", "level", "status", "a.b", "é"];

    /// <summary>A batch of <paramref name="events"/> events made from <paramref name="seed"/>, in a batch sized for far more.</summary>
    internal static EventBatch Make(int seed, int events, EventBatch? into = null)
    {
        var r = new Random(seed);
        var batch = into ?? new EventBatch(events: 4096, fields: 4096 * 16, valueBytes: 1 << 20);
        for (var i = 0; i < events; i++)
        {
            batch.BeginEvent(r.NextInt64(0, long.MaxValue / 2));
            var fields = r.Next(0, 6);
            for (var f = 0; f < fields; f++)
            {
                var value = new byte[r.Next(0, 40)];
                r.NextBytes(value);
                batch.AddField(Names[r.Next(Names.Length)], (ValueKind)r.Next((int)ValueKind.String, (int)ValueKind.Json + 1), value);
            }
            if (r.Next(4) == 0)
            {
                // A bad line: nothing of it stays, and the copy must not see it either.
                batch.CancelEvent();
                continue;
            }
            batch.EndEvent(Streams);
        }
        return batch;
    }

    /// <summary>
    /// Everything a reader of the batch sees, as text, its events in the order they arrived (a copy
    /// holds them grouped by stream: see <see cref="CompactBatchPoolGroupingProperties"/>).
    /// </summary>
    internal static string Describe(EventBatch batch)
    {
        var parts = new List<string>
        {
            string.Join(",", batch.Names),
            string.Join(",", batch.Streams.Select(s => s.Text)),
            $"{batch.Count} events, {batch.TotalFields} fields, {batch.ValueBytes} bytes",
        };
        for (var arrival = 0; arrival < batch.Count; arrival++)
        {
            var e = batch.PlaceOfArrival(arrival);
            var (start, end) = batch.GetFieldRange(e);
            var fields = new List<string>();
            for (var f = start; f < end; f++)
            {
                fields.Add($"{batch.GetNameId(f)}={batch.GetKind(f)}:{Convert.ToHexString(batch.GetValue(f))}");
            }
            var logEvent = batch.ToLogEvent(e);
            parts.Add($"{batch.GetTime(e)} {batch.GetStreamIndex(e)} {string.Join(";", fields)} | {logEvent.Stream.Text} {string.Join(";", logEvent.Fields.Select(kv => $"{kv.Key}={kv.Value.Kind}:{kv.Value.Text}"))}");
        }
        return string.Join("\n", parts);
    }

    [Fact]
    public void Copy_HoldsExactlyTheSameEvents_InBuffersOfAboutTheirSize()
    {
        Prop.ForAll(Gen.Choose(0, 10_000).ToArbitrary(), Gen.Choose(0, 300).ToArbitrary(), (seed, events) =>
        {
            var source = Make(seed, events);
            var pool = new CompactBatchPool(maxPooledBytes: 64 << 20);

            var copy = pool.Copy(source);

            var need = copy.CompactMemoryBytes;
            return Describe(copy) == Describe(source)
                && copy.CompactMemoryBytes == source.CompactMemoryBytes
                && copy.MemoryBytes <= need + need / 4 + 64
                && copy.MemoryBytes < source.MemoryBytes;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Copy_IsIndependentOfItsSource()
    {
        var source = Make(1, 50);
        var expected = Describe(source);
        var copy = new CompactBatchPool(1 << 20).Copy(source);

        source.Clear();
        Make(2, 80, source);

        Assert.Equal(expected, Describe(copy));
    }

    [Fact]
    public void ReleasedCopy_IsReusedForASimilarBatch_ButNotForAMuchSmallerOne()
    {
        var pool = new CompactBatchPool(64 << 20);
        var first = pool.Copy(Make(1, 200));
        first.Release();
        Assert.Equal(1, pool.Count);

        // A batch of a tenth of the size would waste the buffers: it gets its own.
        var small = pool.Copy(Make(2, 20));
        Assert.NotSame(first, small);
        Assert.Equal(1, pool.Count);

        var similar = Make(3, 200);
        var again = pool.Copy(similar);
        Assert.Same(first, again);
        Assert.Equal(Describe(similar), Describe(again));
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void Pool_KeepsAtMostItsBound_AndTrimDropsWhatIsUnused()
    {
        var batches = Enumerable.Range(0, 10).Select(i => Make(i, 300)).ToList();
        var one = new CompactBatchPool(long.MaxValue).Copy(batches[0]).MemoryBytes;
        var pool = new CompactBatchPool(maxPooledBytes: one * 3 + one / 2);
        var copies = batches.Select(pool.Copy).ToList();

        foreach (var c in copies)
        {
            c.Release();
        }

        Assert.InRange(pool.Count, 1, 3);
        Assert.True(pool.PooledBytes <= one * 3 + one / 2);
        pool.TrimIfUnused(); // used since the last call: kept
        Assert.NotEqual(0, pool.Count);
        pool.TrimIfUnused(); // unused for a whole period: dropped
        Assert.Equal(0, pool.Count);
        Assert.Equal(0, pool.PooledBytes);
    }

    [Fact]
    public void NoBufferBacksTwoLiveCopies_AndLiveCopiesKeepTheirEvents()
    {
        // Random sequences of copy, add-reference, release and detach: every live copy keeps what it
        // was made from, whatever the pool hands out meanwhile, and no two live copies share a buffer.
        var ops = Gen.ListOf(Gen.Choose(0, 99)).ToArbitrary();
        Prop.ForAll(ops, script =>
        {
            var pool = new CompactBatchPool(maxPooledBytes: 1 << 20);
            var live = new List<(EventBatch Copy, string Expected, int Holders)>();
            var seed = 0;
            foreach (var op in script)
            {
                if (op < 35 || live.Count == 0)
                {
                    var source = Make(seed++, 1 + op % 40);
                    var copy = pool.Copy(source);
                    if (live.Any(l => ReferenceEquals(l.Copy, copy)))
                    {
                        return false;
                    }
                    live.Add((copy, Describe(source), 1));
                }
                else
                {
                    var i = op % live.Count;
                    var (copy, expected, holders) = live[i];
                    if (op < 55)
                    {
                        copy.AddReference();
                        live[i] = (copy, expected, holders + 1);
                    }
                    else if (op < 60)
                    {
                        copy.Detach();
                    }
                    else if (holders == 1)
                    {
                        copy.Release();
                        live.RemoveAt(i);
                    }
                    else
                    {
                        copy.Release();
                        live[i] = (copy, expected, holders - 1);
                    }
                }
                for (var a = 0; a < live.Count; a++)
                {
                    if (Describe(live[a].Copy) != live[a].Expected)
                    {
                        return false;
                    }
                    for (var b = a + 1; b < live.Count; b++)
                    {
                        if (ShareValues(live[a].Copy, live[b].Copy))
                        {
                            return false;
                        }
                    }
                }
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }

    private static bool ShareValues(EventBatch a, EventBatch b) =>
        ReferenceEquals(a, b)
        || (a.ValueBytes > 0 && b.ValueBytes > 0
            && Unsafe.AreSame(ref MemoryMarshal.GetReference(a.RawBytes), ref MemoryMarshal.GetReference(b.RawBytes)))
        || (a.Count > 0 && b.Count > 0 && Unsafe.AreSame(ref MemoryMarshal.GetReference(a.Times), ref MemoryMarshal.GetReference(b.Times)));
}
