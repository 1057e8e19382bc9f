using Vigie.Core;
using Vigie.Ingestion.Service;

namespace Vigie.Pipelines.Tests;

public class MultilineTests
{
    private const string Config = """
        pipelines:
          java:
            if: 'service:app'
            processors:
              - multiline: {continuation: '^(\s|Caused by:)', timeout: 0.2}
              - grok: {pattern: '^%{LOGLEVEL:level} %{GREEDYDATA}'}
        """;

    private static EventBatch Batch(params string[] lines)
    {
        var b = new EventBatch();
        var streams = new StreamFields(["service"]);
        foreach (var line in lines)
        {
            b.BeginEvent(Timestamps.Now());
            b.AddField("_msg", ValueKind.String, line);
            b.AddField("service", ValueKind.String, "app");
            b.EndEvent(streams);
        }
        return b;
    }

    [Fact]
    public async Task Stack_traces_join_within_and_across_batches_and_the_last_one_is_stored_after_the_timeout()
    {
        var late = new List<LogEvent>();
        var lateLock = new Lock();
        using var set = new PipelineSet(Run.Config(Config), new PipelineMetrics(), (b, _) =>
        {
            lock (lateLock)
            {
                late.AddRange(b.ToLogEvents());
            }
            return Task.CompletedTask;
        });
        var first = set.Process(Batch("ERROR boom", "  at A.b()", "  at C.d()", "INFO next", "  at E.f()"), "test");
        var stored = first.Batch.ToLogEvents().ToList();
        Assert.Equal("ERROR boom\n  at A.b()\n  at C.d()", Assert.Single(stored).Message);
        Assert.Equal("ERROR", stored[0].Get("level")?.Text);
        Assert.NotNull(first.Held);
        Assert.False(first.Held!.IsCompleted);

        var second = set.Process(Batch("Caused by: x", "WARN later"), "test");
        Assert.Empty(second.Batch.ToLogEvents());
        await first.Held.WaitAsync(TimeSpan.FromSeconds(5));
        await second.Held!.WaitAsync(TimeSpan.FromSeconds(5));
        lock (lateLock)
        {
            Assert.Equal(["INFO next\n  at E.f()\nCaused by: x", "WARN later"], late.Select(e => e.Message));
            Assert.Equal("INFO", late[0].Get("level")?.Text);
        }
    }

    [Fact]
    public void Without_a_late_store_a_batch_is_complete()
    {
        using var set = new PipelineSet(Run.Config(Config), new PipelineMetrics());
        var r = set.Process(Batch("ERROR a", " x", "INFO b", " y"), "test");
        Assert.Null(r.Held);
        Assert.Equal(["ERROR a\n x", "INFO b\n y"], r.Batch.ToLogEvents().Select(e => e.Message));
    }

    [Fact]
    public async Task Dispose_stores_what_is_held()
    {
        var late = new List<LogEvent>();
        var set = new PipelineSet(Run.Config(Config.Replace("0.2", "30", StringComparison.Ordinal)), new PipelineMetrics(), (b, _) =>
        {
            late.AddRange(b.ToLogEvents());
            return Task.CompletedTask;
        });
        var r = set.Process(Batch("ERROR a", " x"), "test");
        Assert.False(r.Held!.IsCompleted);
        set.Dispose();
        await r.Held.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("ERROR a\n x", Assert.Single(late).Message);
    }

    [Fact]
    public void Events_no_pipeline_selects_are_passed_through_unchanged()
    {
        using var set = new PipelineSet(Run.Config(Config), new PipelineMetrics());
        var b = new EventBatch();
        b.BeginEvent(5);
        b.AddField("_msg", ValueKind.String, "  indented");
        b.AddField("service", ValueKind.String, "db");
        b.EndEvent(new StreamFields(["service"]));
        var r = set.Process(b, "test");
        Assert.Same(b, r.Batch);
        Assert.Null(r.Held);
    }
}
