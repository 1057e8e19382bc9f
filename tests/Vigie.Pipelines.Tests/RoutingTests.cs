using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;

namespace Vigie.Pipelines.Tests;

/// <summary>The <c>_pipeline</c> field: an event names the one pipeline it goes through.</summary>
public class RoutingTests
{
    private const string Yaml = """
        pipelines:
          web:
            if: 'service:nginx'
            processors:
              - set: {field: by, value: web}
          custom:
            if: 'service:never-matches'
            processors:
              - set: {field: by, value: custom}
              - grok: {pattern: '^%{WORD:verb} %{NOTSPACE:path}'}
          all:
            processors:
              - set: {field: seen_by_all, value: 'yes'}
          java:
            if: 'service:app'
            processors:
              - multiline: {continuation: '^\s', timeout: 0.2}
        """;

    private static EventBatch Batch(params (string Msg, string Service, string? Route)[] events)
    {
        var b = new EventBatch();
        var streams = new StreamFields(["service"]);
        foreach (var (msg, service, route) in events)
        {
            b.BeginEvent(Timestamps.FromDateTime(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            b.AddField("_msg", ValueKind.String, msg);
            b.AddField("service", ValueKind.String, service);
            if (route is not null)
            {
                b.AddField(PipelineSet.RouteField, ValueKind.String, route);
            }
            b.EndEvent(streams);
        }
        return b;
    }

    [Fact]
    public void NamedPipeline_RunsInsteadOfTheMatchingOnes_AndTheFieldIsNotStored()
    {
        using var set = new PipelineSet(Run.Config(Yaml), new PipelineMetrics());
        var output = set.Process(Batch(("GET /index.html", "nginx", "custom"), ("GET /", "nginx", null)), "test").Batch.ToLogEvents().ToList();

        var routed = output[0];
        Assert.Equal("custom", routed.Get("by")?.Text);
        Assert.Equal("GET", routed.Get("verb")?.Text);
        Assert.Equal("/index.html", routed.Get("path")?.Text);
        Assert.Null(routed.Get("seen_by_all"));
        Assert.Null(routed.Get(PipelineSet.RouteField));
        Assert.Null(routed.Get(Pipeline.ErrorField));

        var matched = output[1];
        Assert.Equal("web", matched.Get("by")?.Text);
        Assert.Equal("yes", matched.Get("seen_by_all")?.Text);
    }

    [Fact]
    public void UnknownName_KeepsTheEventAsItCame_TaggedAndCounted()
    {
        var metrics = new PipelineMetrics();
        using var set = new PipelineSet(Run.Config(Yaml), metrics);
        var e = Assert.Single(set.Process(Batch(("GET /x", "nginx", "nope")), "test").Batch.ToLogEvents());

        Assert.Equal("nope", e.Get(PipelineSet.RouteField)?.Text);
        Assert.Contains("no pipeline is named 'nope'", e.Get(Pipeline.ErrorField)?.Text, StringComparison.Ordinal);
        Assert.Null(e.Get("by"));
        Assert.Null(e.Get("seen_by_all"));
        Assert.Equal("GET /x", e.Message);
        Assert.Equal(1, metrics.UnknownRoutes);
    }

    [Fact]
    public void RoutedEvent_IsNotHeldByAMultilinePipelineWhoseConditionItMatches()
    {
        using var set = new PipelineSet(Run.Config(Yaml), new PipelineMetrics(), (_, _) => Task.CompletedTask);
        var result = set.Process(Batch(("ERROR boom", "app", "web"), ("  at A.b()", "app", "web")), "test");
        Assert.Null(result.Held);
        Assert.Equal(["ERROR boom", "  at A.b()"], result.Batch.ToLogEvents().Select(e => e.Message));
        Assert.All(result.Batch.ToLogEvents(), e => Assert.Equal("web", e.Get("by")?.Text));
    }

    [Fact]
    public void WithNoPipelinesAtAll_ANamedPipelineIsUnknown()
    {
        using var set = new PipelineSet([], new PipelineMetrics());
        var e = Assert.Single(set.Process(Batch(("hello", "x", "web")), "test").Batch.ToLogEvents());
        Assert.NotNull(e.Get(Pipeline.ErrorField));
    }

    [Fact]
    public void RunAll_OnASingleEvent_RoutesToo()
    {
        var e = Run.Through(Run.Config(Yaml), Run.Event(("_msg", "POST /api"), ("service", "nginx"), (PipelineSet.RouteField, "custom")));
        Assert.Equal("custom", e.Text("by"));
        Assert.Equal("POST", e.Text("verb"));
        Assert.False(e.Has(PipelineSet.RouteField));
    }

    [Fact]
    public void RandomMixesOfRoutedAndUnroutedEvents_EachGoesWhereItsRouteOrItsServiceSays()
    {
        var routes = Gen.Elements<string?>(null, "web", "custom", "all", "unknown-one");
        var services = Gen.Elements("nginx", "db");
        var cases = Gen.ListOf(from r in routes from s in services select (r, s)).ToArbitrary();
        using var set = new PipelineSet(Run.Config(Yaml), new PipelineMetrics());
        Prop.ForAll(cases, events =>
        {
            var list = events.ToList();
            var output = set.Process(Batch([.. list.Select((e, i) => ($"GET /{i}", e.s, e.r))]), "test").Batch.ToLogEvents().ToList();
            Assert.Equal(list.Count, output.Count);
            for (var i = 0; i < list.Count; i++)
            {
                var (route, service) = list[i];
                var e = output[i];
                Assert.Equal($"GET /{i}", e.Message);
                var expectedBy = route switch
                {
                    "web" => "web",
                    "custom" => "custom",
                    null when service == "nginx" => "web",
                    _ => null,
                };
                Assert.Equal(expectedBy, e.Get("by")?.Text);
                Assert.Equal(route is null or "all" ? "yes" : null, e.Get("seen_by_all")?.Text);
                Assert.Equal(route == "unknown-one", e.Get(Pipeline.ErrorField) is not null);
                Assert.Equal(route == "unknown-one" ? route : null, e.Get(PipelineSet.RouteField)?.Text);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }
}
