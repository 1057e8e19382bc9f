using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Vigie.EndToEnd.Tests;

/// <summary>SIGKILL while clients ingest: every acknowledged event survives, once.</summary>
[Collection(CliCollection.Name)]
public sealed class CrashTests(CliBuild cli, ITestOutputHelper output) : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("vigie-e2e-crash-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task KillDuringIngest_FourRounds_EveryAcknowledgedEventStoredExactlyOnce()
    {
        const int rounds = 4, clients = 4, perRequest = 25;
        var acknowledged = new ConcurrentDictionary<string, byte>();
        var random = new Random(20261125);
        for (var round = 0; round < rounds; round++)
        {
            using var server = await VigieProcess.StartAsync(cli, _data);
            await VerifyAsync(server, acknowledged.Keys.ToHashSet(), $"after restart {round}");

            using var stop = new CancellationTokenSource();
            var acknowledgedRequests = 0;
            var senders = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
            {
                var sent = 0;
                for (var request = 0; !stop.IsCancellationRequested; request++)
                {
                    var ids = Enumerable.Range(0, perRequest).Select(i => $"r{round}-c{c}-q{request}-e{i}").ToList();
                    HttpStatusCode status;
                    int accepted;
                    try
                    {
                        var (s, body) = await server.IngestAsync(Events.Ndjson(ids.Select(id => (object)new { _msg = "crash test event", id })));
                        status = s;
                        accepted = s == HttpStatusCode.OK ? body.GetProperty("accepted").GetInt32() : -1;
                    }
                    catch (HttpRequestException)
                    {
                        return sent; // the server is gone: this request's fate is unknown, so it is not counted
                    }
                    Assert.Equal(HttpStatusCode.OK, status);
                    Assert.Equal(perRequest, accepted);
                    foreach (var id in ids)
                    {
                        acknowledged.TryAdd(id, 0);
                    }
                    sent++;
                    Interlocked.Increment(ref acknowledgedRequests);
                }
                return sent;
            })).ToList();

            // Killed at a random moment once requests are being acknowledged: on a busy machine the first
            // answer can take longer than any fixed delay, and a round killed before it tests nothing.
            var firstAnswer = Stopwatch.StartNew();
            while (Volatile.Read(ref acknowledgedRequests) == 0 && firstAnswer.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(20);
            }
            await Task.Delay(random.Next(0, 1200));
            var inFlightBefore = senders.Count(t => !t.IsCompleted);
            server.KillHard();
            await stop.CancelAsync();
            var sent = await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(30));
            output.WriteLine($"round {round}: {sent.Sum()} requests acknowledged before the kill, {inFlightBefore} clients were sending");
            Assert.True(sent.Sum() > 0, "no request was acknowledged before the kill: the round tested nothing");
        }
        using var last = await VigieProcess.StartAsync(cli, _data);
        await VerifyAsync(last, acknowledged.Keys.ToHashSet(), "after the last kill");
        Assert.Equal(0, await last.MetricAsync("vigie_wal_damaged_segments_total"));
        Assert.Equal(0, await last.MetricAsync("vigie_parts_quarantined_total"));
        Assert.Empty(Events.Quarantined(_data));
    }

    private static async Task VerifyAsync(VigieProcess server, HashSet<string> acknowledged, string when)
    {
        var clock = Stopwatch.StartNew();
        var stored = await Events.AllValuesAsync(server, "id");
        var distinct = stored.ToHashSet();
        Assert.True(stored.Count == distinct.Count, $"{when}: {stored.Count - distinct.Count} events are stored twice");
        var missing = acknowledged.Where(id => !distinct.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"{when}: {missing.Count} acknowledged events are missing, e.g. {string.Join(", ", missing.Take(5))}");
        var stats = (await server.QueryAsync("* | stats count() as n, count_distinct(id) as ids")).Single();
        Assert.Equal(stored.Count, stats.GetProperty("n").GetInt32());
        Assert.Equal(stored.Count, stats.GetProperty("ids").GetInt32());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }
}
