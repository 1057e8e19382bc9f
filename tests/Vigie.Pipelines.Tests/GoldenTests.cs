using Vigie.Core;
using Vigie.Pipelines.Configuration;
using Vigie.Pipelines.Playground;

namespace Vigie.Pipelines.Tests;

/// <summary>
/// The playground's output for sample files, compared with files under Golden/. To accept a change
/// on purpose, run the tests with VIGIE_UPDATE_GOLDEN set to the source folder of Golden/ and review the diff.
/// </summary>
public class GoldenTests
{
    [Theory]
    [InlineData("web")]
    [InlineData("app")]
    public void Playground_output_matches_the_golden_file(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Golden");
        var pipelines = PipelineConfigLoader.LoadFile(Path.Combine(dir, name + ".yaml"));
        var lines = File.ReadAllLines(Path.Combine(dir, name + ".log")).Where(l => l.Length > 0).ToList();
        using var set = new PipelineSet(pipelines, new PipelineMetrics());
        var text = TraceText.Render(PipelinePlayground.RunAll(set, lines, Timestamps.Now()));
        if (Environment.GetEnvironmentVariable("VIGIE_UPDATE_GOLDEN") is { Length: > 0 } source)
        {
            File.WriteAllText(Path.Combine(source, name + ".trace.txt"), text);
        }
        Assert.Equal(File.ReadAllText(Path.Combine(dir, name + ".trace.txt")), text);
    }
}
