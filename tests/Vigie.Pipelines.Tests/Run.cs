using Vigie.Core;
using Vigie.Pipelines;
using Vigie.Pipelines.Configuration;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Tests;

/// <summary>Helpers: pipelines from YAML, events from fields.</summary>
internal static class Run
{
    public static IReadOnlyList<Pipeline> Config(string yaml, bool builtIns = false) => PipelineConfigLoader.Parse(yaml, "test.yaml", ".", builtIns);

    public static PipelineEvent Event(params (string Name, string Value)[] fields) =>
        new(Timestamps.FromDateTime(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)), StreamKey.Empty, fields.Select(f => new KeyValuePair<string, FieldValue>(f.Name, FieldValue.Str(f.Value))));

    /// <summary>Runs all pipelines of <paramref name="pipelines"/> that select the event, as ingestion does.</summary>
    public static PipelineEvent Through(IReadOnlyList<Pipeline> pipelines, PipelineEvent e)
    {
        using var set = new PipelineSet(pipelines, new PipelineMetrics());
        set.RunAll(e);
        return e;
    }

    public static string? Text(this PipelineEvent e, string name) => e.GetText(name);
}
