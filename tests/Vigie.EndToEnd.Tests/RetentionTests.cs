using System.Diagnostics;
using Vigie.Core;
using Vigie.Query.Engine;
using Vigie.Storage.Store;

namespace Vigie.EndToEnd.Tests;

/// <summary><c>--retention</c> and <c>--max-disk</c> drop whole day partitions, oldest first.</summary>
[Collection(CliCollection.Name)]
public sealed class RetentionTests(CliBuild cli, ITestOutputHelper output) : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("vigie-e2e-retention-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private string DayDir(DateTime day) => Path.Combine(_data, StoreLayout.PartsDirectory, Events.DayName(day));

    private static async Task WaitUntilAsync(Func<bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), what);
            await Task.Delay(50);
        }
    }

    private static IEnumerable<object> DayEvents(DateTime time, string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => (object)new { _time = Events.Rfc3339(time.AddMilliseconds(i)), _msg = $"{prefix} event {Guid.NewGuid():N}", id = $"{prefix}{i}" });

    [Fact]
    public async Task Serve_Retention1d_DropsThePartitionOfThreeDaysAgoAtTheCheck()
    {
        var now = DateTime.UtcNow;
        var old = now.AddDays(-3);
        using (var server = await VigieProcess.StartAsync(cli, _data, "--retention", "1d"))
        {
            await server.IngestOkAsync(Events.Ndjson(DayEvents(old, "old", 50).Concat(DayEvents(now, "new", 50))));
            await server.WaitForMetricAsync("vigie_partitions", v => v == 2, TimeSpan.FromSeconds(5));
            Assert.True(Directory.Exists(DayDir(old)));
            Assert.Equal(0, await server.StopAsync());
        }

        // The store checks retention when it starts and every 30 s after: a restart is the quick way to the check.
        using var restarted = await VigieProcess.StartAsync(cli, _data, "--retention", "1d");
        await WaitUntilAsync(() => !Directory.Exists(DayDir(old)), "the partition of three days ago is still on disk");

        Assert.True(Directory.Exists(DayDir(now)));
        Assert.Equal(1, await restarted.MetricAsync("vigie_partitions_dropped_total"));
        var ids = await Events.AllValuesAsync(restarted, "id");
        Assert.Equal(50, ids.Count);
        Assert.All(ids, id => Assert.StartsWith("new", id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Serve_MaxDisk_DropsOldestPartitionsFirstAndKeepsTheNewest()
    {
        var days = new[] { 5, 4, 3 }.Select(d => DateTime.UtcNow.Date.AddDays(-d).AddHours(12)).ToArray();
        using (var server = await VigieProcess.StartAsync(cli, _data))
        {
            for (var d = 0; d < days.Length; d++)
            {
                await server.IngestOkAsync(Events.Ndjson(DayEvents(days[d], $"d{d}-", 2000)));
            }
            await server.WaitForMetricAsync("vigie_partitions", v => v == 3, TimeSpan.FromSeconds(5));
            Assert.Equal(0, await server.StopAsync());
        }
        var bytes = days.Select(d => Directory.GetFiles(DayDir(d)).Sum(f => new FileInfo(f).Length)).ToArray();
        output.WriteLine("bytes per day: " + string.Join(", ", bytes));
        Assert.All(bytes, b => Assert.True(b > 16 * 1024, "each day must weigh more than the slack left for the WAL"));
        var limit = bytes[1] + bytes[2] + (8 * 1024);

        using var restarted = await VigieProcess.StartAsync(cli, _data, "--max-disk", limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await WaitUntilAsync(() => !Directory.Exists(DayDir(days[0])), "the oldest partition is still on disk");

        Assert.True(Directory.Exists(DayDir(days[1])));
        Assert.True(Directory.Exists(DayDir(days[2])));
        Assert.Equal(1, await restarted.MetricAsync("vigie_partitions_dropped_total"));
        var count = (await restarted.QueryAsync("* | stats count() as n")).Single().GetProperty("n").GetInt32();
        Assert.Equal(4000, count);
        Assert.Empty(await restarted.QueryAsync("id:d0-1"));
    }

    [Fact]
    public async Task LogStore_ClockMovedPastRetention_BackgroundCheckDropsTheOldDayOnly()
    {
        var now = DateTime.UtcNow;
        var shift = 0L; // ticks the store's clock is ahead of the real one
        using var store = LogStore.Open(new StoreOptions
        {
            DataDirectory = _data,
            Retention = TimeSpan.FromDays(1),
            RetentionCheckInterval = TimeSpan.FromMilliseconds(100),
            UtcNow = () => DateTime.UtcNow.AddTicks(Interlocked.Read(ref shift)),
        });
        var batch = new EventBatch();
        foreach (var (time, id) in new[] { (now.AddDays(-1), "yesterday"), (now, "today") })
        {
            batch.BeginEvent(Timestamps.FromDateTime(time));
            batch.AddField("_msg", ValueKind.String, "event of " + id);
            batch.AddField("id", ValueKind.String, id);
            batch.EndEvent(StreamFields.None);
        }
        await store.AppendAsync(batch);
        await store.FlushAsync();
        await Task.Delay(400); // a few checks with the real clock: nothing is old enough yet
        Assert.True(Directory.Exists(DayDir(now.AddDays(-1))));
        Assert.Equal(2, store.GetStatus().Partitions);

        Interlocked.Exchange(ref shift, TimeSpan.FromDays(1).Ticks);
        await WaitUntilAsync(() => !Directory.Exists(DayDir(now.AddDays(-1))), "yesterday's partition survived the moved clock");

        Assert.True(Directory.Exists(DayDir(now)));
        Assert.Equal(1, store.Metrics.PartitionsDropped);
        var rows = new QueryEngine(store).ExecuteAll(new QueryRequest(Vigie.Query.Syntax.Query.Parse("*"), Timestamps.Now(), null, null, null));
        Assert.Equal("today", Assert.Single(rows).Get("id")?.Text);
    }
}
