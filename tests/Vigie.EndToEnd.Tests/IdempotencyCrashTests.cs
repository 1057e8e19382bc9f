using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Vigie.EndToEnd.Tests;

/// <summary>
/// Senders with idempotency keys, as the agent sends: kill -9 of the server at random moments, retry
/// of every request whose answer was lost (same key, same body) after the restart: every request's
/// events end up stored exactly once.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class IdempotencyCrashTests(CliBuild cli, ITestOutputHelper output) : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("vigie-e2e-idem-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private sealed record Request(string Key, string Body);

    private static Request Make(string key, int events) =>
        new(key, Events.Ndjson(Enumerable.Range(0, events).Select(i => (object)new { _msg = "keyed event", id = $"{key}-e{i}", key })));

    private static async Task<(HttpStatusCode Status, bool Duplicate)> SendAsync(VigieProcess server, Request request)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest") { Content = new StringContent(request.Body, Encoding.UTF8, "application/x-ndjson") };
        message.Headers.Add("Idempotency-Key", request.Key);
        using var response = await server.Client.SendAsync(message);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Contains("\"duplicate\":true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KillDuringKeyedIngest_RetriesWithTheSameKeys_EveryRequestStoredExactlyOnce()
    {
        const int rounds = 4, clients = 4, perRequest = 20;
        var random = new Random(20261126);
        var sent = new ConcurrentDictionary<string, Request>();
        var unanswered = new ConcurrentQueue<Request>();
        var acknowledged = new ConcurrentQueue<Request>();
        var duplicatesOnRetry = 0;
        for (var round = 0; round < rounds; round++)
        {
            using var server = await VigieProcess.StartAsync(cli, _data);

            // First the requests whose answer the kill took away: each is stored now or was before, never twice.
            var retries = 0;
            while (unanswered.TryDequeue(out var lost))
            {
                var (status, duplicate) = await SendAsync(server, lost);
                Assert.Equal(HttpStatusCode.OK, status);
                duplicatesOnRetry += duplicate ? 1 : 0;
                retries++;
            }
            // And a few acknowledged ones again, as a sender that missed the answer would: all duplicates.
            foreach (var done in acknowledged.OrderBy(_ => random.Next()).Take(5))
            {
                var (status, duplicate) = await SendAsync(server, done);
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.True(duplicate, $"{done.Key} was acknowledged before, its retry must be a duplicate");
            }

            using var stop = new CancellationTokenSource();
            var senders = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var request = Make($"r{round}-c{c}-b{n}", perRequest);
                    sent[request.Key] = request;
                    try
                    {
                        var (status, duplicate) = await SendAsync(server, request);
                        Assert.Equal(HttpStatusCode.OK, status);
                        Assert.False(duplicate);
                        acknowledged.Enqueue(request);
                    }
                    catch (HttpRequestException)
                    {
                        unanswered.Enqueue(request);
                        return;
                    }
                }
            })).ToList();

            await Task.Delay(random.Next(300, 900));
            server.KillHard();
            await stop.CancelAsync();
            await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(30));
            output.WriteLine($"round {round}: {retries} retried after restart, {unanswered.Count} requests unanswered at the kill, {acknowledged.Count} acknowledged so far");
        }

        using var last = await VigieProcess.StartAsync(cli, _data);
        while (unanswered.TryDequeue(out var lost))
        {
            var (status, duplicate) = await SendAsync(last, lost);
            Assert.Equal(HttpStatusCode.OK, status);
            duplicatesOnRetry += duplicate ? 1 : 0;
        }
        output.WriteLine($"{duplicatesOnRetry} retries of unanswered requests found their events already stored");

        var expected = sent.Keys.SelectMany(k => Enumerable.Range(0, perRequest).Select(i => $"{k}-e{i}")).ToHashSet();
        await last.QueryUntilAsync("id:* | stats count() as n", r => r.Count == 1 && r[0].GetProperty("n").GetInt32() >= expected.Count, TimeSpan.FromSeconds(10));
        var stored = await Events.AllValuesAsync(last, "id");
        var twice = stored.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"{twice.Count} events stored twice, e.g. {string.Join(", ", twice.Take(5))}");
        var storedSet = stored.ToHashSet();
        var missing = expected.Where(id => !storedSet.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} events missing, e.g. {string.Join(", ", missing.Take(5))}");
        Assert.Equal(expected.Count, stored.Count);
        Assert.Empty(Events.Quarantined(_data));
    }
}
