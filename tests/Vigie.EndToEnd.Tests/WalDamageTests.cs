using System.Buffers.Binary;
using Vigie.Core;
using Vigie.Storage.Store;

namespace Vigie.EndToEnd.Tests;

/// <summary>A torn or damaged tail of the newest WAL segment: kept records survive, the tail goes to quarantine.</summary>
[Collection(CliCollection.Name)]
public sealed class WalDamageTests(CliBuild cli) : IDisposable
{
    private const int WalHeaderBytes = 16;
    private const int RecordHeaderBytes = 8;
    private const int Batches = 5;
    private const int PerBatch = 10;

    private readonly string _root = Directory.CreateTempSubdirectory("vigie-e2e-wal-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>
    /// Appends <see cref="Batches"/> batches in-process with a flush interval that never comes, then copies
    /// the data directory as it is on disk at that moment: exactly what a crash before the flush leaves.
    /// </summary>
    private async Task<string> CrashImageWithUnflushedWalAsync()
    {
        var live = Path.Combine(_root, "live");
        var image = Path.Combine(_root, "image");
        using (var store = LogStore.Open(new StoreOptions { DataDirectory = live, FlushInterval = TimeSpan.FromHours(1), BackgroundMerges = false }))
        {
            for (var b = 0; b < Batches; b++)
            {
                var batch = new EventBatch();
                for (var i = 0; i < PerBatch; i++)
                {
                    batch.BeginEvent(Timestamps.Now());
                    batch.AddField("_msg", ValueKind.String, "wal event");
                    batch.AddField("id", ValueKind.String, $"b{b}-e{i}");
                    batch.EndEvent(StreamFields.None);
                }
                await store.AppendAsync(batch);
            }
            Assert.Equal(0, store.GetStatus().Parts);
            foreach (var file in Directory.EnumerateFiles(live, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != StoreLayout.LockFile))
            {
                var target = Path.Combine(image, Path.GetRelativePath(live, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
        return image;
    }

    private static string NewestSegment(string data) =>
        Directory.GetFiles(Path.Combine(data, StoreLayout.WalDirectory), "*.wal").Order(StringComparer.Ordinal).Last();

    /// <summary>Start offsets of the records of a segment.</summary>
    private static List<int> RecordOffsets(byte[] segment)
    {
        var offsets = new List<int>();
        for (var pos = WalHeaderBytes; pos < segment.Length; pos += RecordHeaderBytes + (int)BinaryPrimitives.ReadUInt32LittleEndian(segment.AsSpan(pos)))
        {
            offsets.Add(pos);
        }
        return offsets;
    }

    [Fact]
    public async Task Restart_LastWalRecordCutInHalf_KeepsEarlierRecordsAndQuarantinesTheTail()
    {
        var data = await CrashImageWithUnflushedWalAsync();
        var segment = NewestSegment(data);
        var bytes = await File.ReadAllBytesAsync(segment);
        var offsets = RecordOffsets(bytes);
        Assert.Equal(Batches, offsets.Count);
        var cut = offsets[^1] + ((bytes.Length - offsets[^1]) / 2);
        await File.WriteAllBytesAsync(segment, bytes[..cut]);

        using (var server = await VigieProcess.StartAsync(cli, data))
        {
            var ids = await Events.AllValuesAsync(server, "id");
            Assert.Equal(Enumerable.Range(0, Batches - 1).SelectMany(b => Enumerable.Range(0, PerBatch).Select(i => $"b{b}-e{i}")).Order(), ids.Order());
            Assert.Equal(1, await server.MetricAsync("vigie_wal_damaged_segments_total"));
            var quarantined = Assert.Single(Events.Quarantined(data));
            Assert.StartsWith(Path.GetFileName(segment) + ".at-" + offsets[^1] + ".", Path.GetFileName(quarantined), StringComparison.Ordinal);
            Assert.Equal(bytes[offsets[^1]..cut], await File.ReadAllBytesAsync(quarantined));
            Assert.Equal(0, await server.StopAsync());
        }

        using var again = await VigieProcess.StartAsync(cli, data);
        Assert.Equal(0, await again.MetricAsync("vigie_wal_damaged_segments_total"));
        Assert.Single(Events.Quarantined(data));
        Assert.Equal((Batches - 1) * PerBatch, (await Events.AllValuesAsync(again, "id")).Count);
    }

    [Fact]
    public async Task Restart_GarbageAfterLastWalRecord_KeepsEveryRecordAndQuarantinesTheGarbage()
    {
        var data = await CrashImageWithUnflushedWalAsync();
        var segment = NewestSegment(data);
        var garbage = new byte[777];
        new Random(7).NextBytes(garbage);
        await using (var f = new FileStream(segment, FileMode.Append))
        {
            await f.WriteAsync(garbage);
        }

        using (var server = await VigieProcess.StartAsync(cli, data))
        {
            Assert.Equal(Batches * PerBatch, (await Events.AllValuesAsync(server, "id")).Distinct().Count());
            Assert.Equal(1, await server.MetricAsync("vigie_wal_damaged_segments_total"));
            Assert.Equal(garbage, await File.ReadAllBytesAsync(Assert.Single(Events.Quarantined(data))));
            Assert.Equal(0, await server.StopAsync());
        }

        using var again = await VigieProcess.StartAsync(cli, data);
        Assert.Equal(0, await again.MetricAsync("vigie_wal_damaged_segments_total"));
        Assert.Single(Events.Quarantined(data));
        Assert.Equal(Batches * PerBatch, (await Events.AllValuesAsync(again, "id")).Count);
    }

    [Fact]
    public async Task Restart_AfterSigkillAndGarbageOnNewestSegment_StartsWithEveryAcknowledgedEvent()
    {
        var data = Path.Combine(_root, "killed");
        var ids = Enumerable.Range(0, 300).Select(i => $"k{i}").ToList();
        using (var server = await VigieProcess.StartAsync(cli, data))
        {
            foreach (var chunk in ids.Chunk(30))
            {
                await server.IngestOkAsync(Events.Ndjson(chunk.Select(id => (object)new { _msg = "before the kill", id })));
            }
            server.KillHard();
        }
        var segment = NewestSegment(data);
        await File.AppendAllTextAsync(segment, "\u0001\u0002 torn write \u0003");

        using (var server = await VigieProcess.StartAsync(cli, data))
        {
            Assert.Equal(ids.Order(), (await Events.AllValuesAsync(server, "id")).Order());
            Assert.Single(Events.Quarantined(data));
            Assert.Equal(0, await server.StopAsync());
        }
        using var again = await VigieProcess.StartAsync(cli, data);
        Assert.Equal(ids.Count, (await Events.AllValuesAsync(again, "id")).Count);
        Assert.Single(Events.Quarantined(data));
    }
}
