using Vigie.Agent.Collection;

namespace Vigie.Agent.Docker;

/// <summary>The two origins of a container's lines (stdout and stderr), with the fields every line carries.</summary>
internal sealed record ContainerOrigins(string Name, LineOrigin Stdout, LineOrigin Stderr)
{
    public const string EnableLabel = "vigie.enable";
    public const string PipelineLabel = "vigie.pipeline";
    public const string ComposeProjectLabel = "com.docker.compose.project";
    public const string ComposeServiceLabel = "com.docker.compose.service";

    public LineOrigin For(LogStreamKind stream) => stream == LogStreamKind.Stderr ? Stderr : Stdout;

    public static string SourceKey(string containerId) => "docker:" + containerId;

    /// <summary>The container asked not to be collected with the <c>vigie.enable=false</c> label.</summary>
    public static bool OptedOut(ContainerDetails container) =>
        container.Labels.TryGetValue(EnableLabel, out var enable) && string.Equals(enable.Trim(), "false", StringComparison.OrdinalIgnoreCase);

    public static ContainerOrigins Build(ContainerDetails container, AgentHost host, IReadOnlyList<string> labelAllowList)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new(AgentStreamFields.Host, host.Name),
            new(AgentStreamFields.Container, container.Name),
            new("image", container.Image),
        };
        if (container.Labels.TryGetValue(ComposeProjectLabel, out var project) && project.Length > 0)
        {
            fields.Add(new("project", project));
        }
        if (container.Labels.TryGetValue(ComposeServiceLabel, out var service) && service.Length > 0)
        {
            fields.Add(new("service", service));
        }
        foreach (var name in labelAllowList)
        {
            if (container.Labels.TryGetValue(name, out var value))
            {
                fields.Add(new("label." + name, value));
            }
        }
        var pipeline = container.Labels.TryGetValue(PipelineLabel, out var p) && p.Trim().Length > 0 ? p.Trim() : null;
        var key = SourceKey(container.Id);
        return new ContainerOrigins(
            container.Name,
            new LineOrigin(key, [.. fields, new("stream", "stdout")], pipeline),
            new LineOrigin(key, [.. fields, new("stream", "stderr")], pipeline));
    }
}
