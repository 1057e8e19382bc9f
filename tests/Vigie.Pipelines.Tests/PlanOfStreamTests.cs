using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vigie.Core;

namespace Vigie.Pipelines.Tests;

/// <summary>
/// The plan remembered per stream of a batch (<see cref="PipelinePlans.Find(EventBatch, int, Model.BatchEventRow, PipelinePlans.Plan?[])"/>)
/// is only a guess: events of one stream whose values of the planned fields differ (stream fields that do
/// not include <c>service</c>, or no stream at all) must still get their own plans. Planned and unplanned
/// runs must store the same events with the same counts, whatever the stream fields.
/// </summary>
public class PlanOfStreamTests
{
    private static readonly string[] Pool =
    [
        "p-nginx: {if: 'service:nginx', processors: [{set: {field: seen, value: 'nginx'}}]}",
        "p-db: {if: 'service:db AND host:h1', processors: [{set: {field: seen_db, value: '{{host}}'}}]}",
        "p-set: {if: 'service:app', processors: [{set: {field: service, value: nginx}}]}",
        "p-not: {if: 'NOT service:db', processors: [{set: {field: not_db, value: 'yes'}}]}",
        "p-msg: {if: 'service:nginx AND _msg:/^\\d+ /', processors: [{set: {field: numbered, value: 'yes'}}]}",
    ];

    private static readonly string[] Services = ["nginx", "db", "app", "other", ""];

    /// <summary>How the batch's streams are made: they may or may not follow <c>service</c>.</summary>
    private static readonly string[] StreamModes = ["host,service", "host", "service", "none"];

    [Property(MaxTest = 300)]
    public Property Planned_and_unplanned_store_the_same_whatever_the_streams() =>
        Prop.ForAll(
            Gen.Shuffle(Pool).SelectMany(s => Gen.Choose(1, Pool.Length).Select(n => s.Take(n).ToArray())).ToArbitrary(),
            Gen.Elements(StreamModes).ToArbitrary(),
            Gen.ListOf(Event()).Select(l => l.ToArray()).ToArbitrary(),
            (config, streams, events) =>
            {
                var pipelines = Run.Config("pipelines:\n" + string.Join("\n", config.Select(c => "  " + c)) + "\n");
                Assert.Equal(Store(pipelines, events, streams, planned: false), Store(pipelines, events, streams, planned: true));
            });

    private static EventBatch Batch((string Service, string Host, string Message)[] events, string mode)
    {
        var batch = new EventBatch();
        var streams = mode == "none" ? null : new StreamFields(mode.Split(','));
        foreach (var (service, host, message) in events)
        {
            batch.BeginEvent(Timestamps.FromDateTime(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            batch.AddField(FieldNames.Message, ValueKind.String, message);
            if (service.Length > 0)
            {
                batch.AddField("service", ValueKind.String, service);
            }
            batch.AddField("host", ValueKind.String, host);
            if (streams is null)
            {
                batch.EndEvent(StreamKey.Empty);
            }
            else
            {
                batch.EndEvent(streams);
            }
        }
        return batch;
    }

    private static (string Stored, string Counts) Store(IReadOnlyList<Pipeline> pipelines, (string Service, string Host, string Message)[] events, string mode, bool planned)
    {
        var metrics = new PipelineMetrics();
        using var set = new PipelineSet(pipelines, metrics) { Planned = planned };
        var stored = set.Process(Batch(events, mode), "test").Batch.ToLogEvents();
        var text = string.Join("\n", stored.Select(e => e.TimeNs.ToString(CultureInfo.InvariantCulture) + " " + string.Join(" | ", e.Fields.Select(f => $"{f.Key}:{f.Value.Kind}={f.Value.Text}"))));
        var counts = string.Join(", ", metrics.Snapshot().OrderBy(s => s.Key.Pipeline, StringComparer.Ordinal).ThenBy(s => s.Key.Processor, StringComparer.Ordinal)
            .Select(s => $"{s.Key.Pipeline}/{s.Key.Processor} {s.Value.In} {s.Value.Out} {s.Value.Failed}"));
        return (text, counts);
    }

    private static Gen<(string, string, string)> Event() =>
        from service in Gen.Elements(Services)
        from host in Gen.Elements("h1", "h2")
        from message in Gen.Elements("12 started", "plain", "7 x", "")
        select (service, host, message);
}
