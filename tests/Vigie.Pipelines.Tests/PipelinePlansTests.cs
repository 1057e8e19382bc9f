using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vigie.Core;

namespace Vigie.Pipelines.Tests;

/// <summary>
/// The choice of pipelines once per stream (<see cref="PipelinePlans"/>) against testing every condition
/// on every event: random pipelines whose steps change the very fields the later conditions compare
/// (set, rename, remove, lowercase, json, grok), random events; the stored events and the counts must
/// be the same.
/// </summary>
public class PipelinePlansTests
{
    /// <summary>Pipelines that read and write <c>service</c> and <c>host</c> in every way the plans must see through.</summary>
    private static readonly string[] Pool =
    [
        "p-set: {if: 'service:nginx', processors: [{set: {field: service, value: apache}}]}",
        "p-apache: {if: 'service:apache OR service:httpd', processors: [{set: {field: seen_apache, value: 'yes'}}]}",
        "p-rename: {if: 'host:h1', processors: [{rename: {fields: {service: svc}}}]}",
        "p-back: {if: 'svc:*', processors: [{rename: {fields: {svc: service}}}]}",
        "p-remove: {if: 'service:db AND NOT host:h2', processors: [{remove: {fields: [service]}}]}",
        "p-lower: {processors: [{lowercase: {fields: [service]}}]}",
        "p-json: {if: '_msg:/^\\{/ AND NOT service:raw', processors: [{json: {}}]}",
        "p-grok: {if: 'service:app', processors: [{grok: {patterns: ['^%{WORD:service} %{GREEDYDATA:rest}$']}}]}",
        "p-drop: {if: 'service:drop-me', processors: [{drop: {}}]}",
        "p-tag: {if: 'service:nginx OR service:apache OR service:app OR service:db', processors: [{set: {field: tag, value: '{{service}}'}}]}",
        "p-not: {if: 'NOT service:nginx AND host:h2', processors: [{set: {field: not_nginx, value: 'yes'}}]}",
        "p-exists: {if: 'service:* AND NOT service:NGINX', processors: [{set: {field: has_service, value: 'yes'}}]}",
    ];

    private static readonly string[] Services = ["nginx", "NGINX", "apache", "app", "db", "raw", "drop-me", "other", ""];

    private static readonly string[] Messages =
    [
        "plain line",
        "{\"service\":\"nginx\",\"level\":\"info\"}",
        "{\"service\":\"drop-me\"}",
        "{\"svc\":\"db\",\"service\":\"app\"}",
        "apache started",
        "nginx GET /",
        "{\"host\":\"h1\"}",
    ];

    [Property(MaxTest = 300)]
    public Property Planned_and_unplanned_store_the_same() =>
        Prop.ForAll(Config().ToArbitrary(), Gen.ListOf(Event()).Select(l => l.ToArray()).ToArbitrary(), (config, events) =>
        {
            var pipelines = Run.Config("pipelines:\n" + string.Join("\n", config.Select(c => "  " + c)) + "\n");
            var (planned, plannedCounts) = Store(pipelines, events, planned: true);
            var (unplanned, unplannedCounts) = Store(pipelines, events, planned: false);
            Assert.Equal(unplanned, planned);
            Assert.Equal(unplannedCounts, plannedCounts);
        });

    [Fact]
    public void A_stream_no_pipeline_can_select_is_never_tested()
    {
        // A condition on service alone decides nginx and apache once per value; json-app's regex stays per event.
        var pipelines = Run.Config("pipelines:\n  a: {if: 'service:nginx AND _msg:/^x/', processors: [{set: {field: f, value: 'a'}}]}\n  b: {if: 'service:apache', processors: [{set: {field: f, value: 'b'}}]}\n  c: {if: '_msg:/^\\{/', processors: [{json: {}}]}\n");
        var plans = PipelinePlans.For([.. pipelines])!;
        var batch = Batch([("nginx", "h1", "x1"), ("apache", "h1", "y"), ("cron", "h1", "z")]);
        var row = new Model.BatchEventRow(batch);
        var nginx = plans.Find(batch, 0, row)!;
        Assert.Equal([0, 2], Enumerable.Range(0, nginx.Count).Select(nginx.Pipeline));
        var apache = plans.Find(batch, 1, row)!;
        Assert.Equal([1, 2], Enumerable.Range(0, apache.Count).Select(apache.Pipeline));
        Assert.Equal(0, apache.FirstSelecting(batch, 1, row));
        var cron = plans.Find(batch, 2, row)!;
        Assert.Equal([2], Enumerable.Range(0, cron.Count).Select(cron.Pipeline));
        Assert.Equal(-1, cron.FirstSelecting(batch, 2, row));
        // The same values find the same plan.
        Assert.Same(nginx, plans.Find(Batch([("nginx", "h9", "other")]), 0, new Model.BatchEventRow(Batch([("nginx", "h9", "other")]))));
    }

    [Fact]
    public void A_pipeline_that_may_write_the_field_leaves_it_to_be_tested()
    {
        // 'a' may write any field (json): 'b' cannot be decided from service before it.
        var pipelines = Run.Config("pipelines:\n  a: {if: '_msg:/^\\{/', processors: [{json: {}}]}\n  b: {if: 'service:nginx', processors: [{set: {field: f, value: 'b'}}]}\n");
        var plans = PipelinePlans.For([.. pipelines])!;
        var batch = Batch([("cron", "h1", "{\"service\":\"nginx\"}")]);
        var plan = plans.Find(batch, 0, new Model.BatchEventRow(batch))!;
        Assert.Equal([0, 1], Enumerable.Range(0, plan.Count).Select(plan.Pipeline));
        var (stored, _) = Store(pipelines, [("cron", "h1", "{\"service\":\"nginx\"}")], planned: true);
        Assert.Contains("f:String=b", stored, StringComparison.Ordinal);
    }

    [Fact]
    public void Plans_turn_off_for_a_field_with_too_many_values()
    {
        var pipelines = Run.Config("pipelines:\n  a: {if: 'user:u7', processors: [{set: {field: f, value: 'a'}}]}\n");
        var plans = PipelinePlans.For([.. pipelines])!;
        var batch = new EventBatch();
        for (var i = 0; i < PipelinePlans.MaxPlans + 10; i++)
        {
            batch.BeginEvent(0);
            batch.AddField("user", ValueKind.String, "u" + i.ToString(CultureInfo.InvariantCulture));
            batch.EndEvent(StreamKey.Empty);
        }
        var row = new Model.BatchEventRow(batch);
        Assert.NotNull(plans.Find(batch, 0, row));
        for (var i = 1; i <= PipelinePlans.MaxPlans; i++)
        {
            plans.Find(batch, i, row);
        }
        Assert.Null(plans.Find(batch, 0, row));
        Assert.Null(plans.Find(batch, PipelinePlans.MaxPlans + 5, row));
        // The events are still selected as their conditions say.
        using var set = new PipelineSet(pipelines, new PipelineMetrics());
        var stored = set.Process(batch, "test").Batch.ToLogEvents();
        Assert.Single(stored, e => e.Fields.Any(f => f.Key == "f"));
    }

    [Fact]
    public void Each_value_finds_its_own_plan_while_the_table_grows_and_from_several_threads()
    {
        // Values that differ only in their last bytes, their length or a trailing zero must not share a plan.
        var pipelines = Run.Config("pipelines:\n  a: {if: 'user:u7', processors: [{set: {field: f, value: 'a'}}]}\n");
        var plans = PipelinePlans.For([.. pipelines])!;
        string[] values = [.. Enumerable.Range(0, 1500).Select(i => "u" + i.ToString(CultureInfo.InvariantCulture)), "u7\0", "", "u7u7u7u7u7u7u7u7", "u7u7u7u7u7u7u7u8"];
        var batch = new EventBatch();
        foreach (var value in values)
        {
            batch.BeginEvent(0);
            batch.AddField("user", ValueKind.String, value);
            batch.EndEvent(StreamKey.Empty);
        }
        // An event without the field at all: not the plan of the empty value.
        batch.BeginEvent(0);
        batch.AddField("other", ValueKind.String, "x");
        batch.EndEvent(StreamKey.Empty);
        var count = batch.Count;
        var found = new PipelinePlans.Plan?[4][];
        Parallel.For(0, found.Length, t =>
        {
            var row = new Model.BatchEventRow(batch);
            var mine = new PipelinePlans.Plan?[count];
            var order = Enumerable.Range(0, count).ToArray();
            new Random(t).Shuffle(order);
            // Each thread in its own order, twice: the second pass finds what the first (or another thread) made.
            for (var pass = 0; pass < 2; pass++)
            {
                for (var n = 0; n < count; n++)
                {
                    var i = order[n];
                    var plan = plans.Find(batch, i, row);
                    Assert.NotNull(plan);
                    Assert.True(pass == 0 || ReferenceEquals(mine[i], plan));
                    mine[i] = plan;
                }
            }
            found[t] = mine;
        });
        for (var i = 0; i < count; i++)
        {
            var plan = found[0][i]!;
            Assert.All(found, mine => Assert.Same(plan, mine[i]));
            // Of the numbered values only u7 is selected by 'a' (the odd ones after them hold the word u7).
            if (i < 1500)
            {
                Assert.Equal(i == 7 ? 0 : -1, plan.FirstSelecting(batch, i, new Model.BatchEventRow(batch)));
            }
        }
        Assert.Equal(count, found[0].Distinct().Count());
    }

    private static EventBatch Batch((string Service, string Host, string Message)[] events)
    {
        var batch = new EventBatch();
        var streams = new StreamFields(["host", "service"]);
        foreach (var (service, host, message) in events)
        {
            batch.BeginEvent(Timestamps.FromDateTime(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            batch.AddField(FieldNames.Message, ValueKind.String, message);
            if (service.Length > 0)
            {
                batch.AddField("service", ValueKind.String, service);
            }
            batch.AddField("host", ValueKind.String, host);
            batch.EndEvent(streams);
        }
        return batch;
    }

    private static (string Stored, string Counts) Store(IReadOnlyList<Pipeline> pipelines, (string Service, string Host, string Message)[] events, bool planned)
    {
        var metrics = new PipelineMetrics();
        using var set = new PipelineSet(pipelines, metrics) { Planned = planned };
        var stored = set.Process(Batch(events), "test").Batch.ToLogEvents();
        var text = string.Join("\n", stored.Select(e => e.TimeNs.ToString(CultureInfo.InvariantCulture) + " " + string.Join(" | ", e.Fields.Select(f => $"{f.Key}:{f.Value.Kind}={f.Value.Text}"))));
        var counts = string.Join(", ", metrics.Snapshot().OrderBy(s => s.Key.Pipeline, StringComparer.Ordinal).ThenBy(s => s.Key.Processor, StringComparer.Ordinal)
            .Select(s => $"{s.Key.Pipeline}/{s.Key.Processor} {s.Value.In} {s.Value.Out} {s.Value.Failed}"));
        return (text, counts);
    }

    /// <summary>Two to six pipelines of the pool, in a random order, each at most once.</summary>
    private static Gen<string[]> Config() =>
        Gen.Shuffle(Pool).SelectMany(shuffled => Gen.Choose(2, 6).Select(n => shuffled.Take(n).ToArray()));

    private static Gen<(string, string, string)> Event() =>
        from service in Gen.Elements(Services)
        from host in Gen.Elements("h1", "h2", "h3")
        from message in Gen.Elements(Messages)
        select (service, host, message);
}
