using Vigie.Server.Observability;

namespace Vigie.Server.Pipelines;

/// <summary>The pipeline counters in <c>/metrics</c>.</summary>
internal static class PipelineMetricsWriter
{
    public static void Write(PrometheusWriter w, PipelineRuntime? runtime)
    {
        if (runtime is null)
        {
            return;
        }
        w.Counter("vigie_pipeline_reloads_total", "Config reloads that took effect.", Interlocked.Read(ref runtime.Reloads));
        w.Counter("vigie_pipeline_reload_failures_total", "Config reloads refused because the new config was invalid.", Interlocked.Read(ref runtime.ReloadFailures));
        w.Counter("vigie_pipeline_unknown_name_events_total", "Events whose _pipeline field named no pipeline: stored as they came, tagged _pipeline_error.", Interlocked.Read(ref runtime.Metrics.UnknownRoutes));
        var all = runtime.Metrics.Snapshot();
        if (all.Count == 0)
        {
            return;
        }
        w.Family("vigie_pipeline_events_total", "counter", "Events by pipeline, processor (empty for the whole pipeline) and outcome: in, out (not dropped), failed (kept as they came, tagged _pipeline_error).",
            [.. all.SelectMany(p =>
            {
                var labels = $"pipeline=\"{Escape(p.Key.Pipeline)}\",processor=\"{Escape(p.Key.Processor)}\"";
                return new[]
                {
                    ($"{labels},result=\"in\"", (double)Interlocked.Read(ref p.Value.In)),
                    ($"{labels},result=\"out\"", (double)Interlocked.Read(ref p.Value.Out)),
                    ($"{labels},result=\"failed\"", (double)Interlocked.Read(ref p.Value.Failed)),
                };
            })]);
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
