using Vigie.Core;
using Vigie.Query.Engine;
using Vigie.Storage.Store;

namespace Vigie.Query.Tests.Engine;

/// <summary>
/// The newest-first scan with a limit over many overlapping blocks: blocks with many matches (held
/// and made into events only when released), blocks with few (made at once), and the pending rows
/// trimmed to those that can still enter the answer.
/// </summary>
public sealed class EventScanLimitTests
{
    private const long Second = Timestamps.NanosPerSecond;

    [Theory]
    [InlineData("*", 1)]
    [InlineData("*", 70)]
    [InlineData("*", 1000)]
    [InlineData("*", 5000)]
    [InlineData("common", 150)]
    [InlineData("rare", 10)]
    [InlineData("rare", 500)]
    public async Task Execute_WithALimit_GivesTheNewestMatchesInTimeOrder(string filter, int limit)
    {
        using var dir = new TempDirectory();
        var now = Timestamps.Now();
        var events = new List<LogEvent>();
        using (var store = LogStore.Open(new StoreOptions { DataDirectory = dir.Path, BackgroundMerges = false, FlushInterval = TimeSpan.FromHours(1) }))
        {
            // 3 parts x 12 streams, each stream's events interleaved in time with the others'.
            var n = 0;
            for (var part = 0; part < 3; part++)
            {
                var batch = new EventBatch();
                for (var i = 0; i < 1200; i++, n++)
                {
                    var time = now - 3600 * Second + n * Second;
                    var word = n % 97 == 0 ? "rare" : "common";
                    batch.BeginEvent(time);
                    batch.AddField("host", ValueKind.String, $"h{n % 12}");
                    batch.AddField(FieldNames.Message, ValueKind.String, $"{word} event {n}");
                    batch.EndEvent(new StreamFields(["host"]));
                    events.Add(new LogEvent(time, StreamKey.Empty, [new("n", FieldValue.Str(n.ToString(System.Globalization.CultureInfo.InvariantCulture))), new(FieldNames.Message, FieldValue.Str($"{word} event {n}"))]));
                }
                await store.AppendAsync(batch);
                await store.FlushAsync();
            }
            var engine = new QueryEngine(store);

            var actual = engine.ExecuteAll(new QueryRequest(ParsedQuery.Parse(filter), now)
            {
                Limit = limit,
            }).Select(r => r.Get(FieldNames.Message)!.Value.Text).ToList();

            var expected = events.Where(e => filter == "*" || e.Message.StartsWith(filter + " ", StringComparison.Ordinal))
                .OrderByDescending(e => e.TimeNs).Take(limit).Select(e => e.Message).ToList();
            Assert.Equal(expected, actual);
        }
    }
}
