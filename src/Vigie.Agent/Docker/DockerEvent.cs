using System.Text.Json;

namespace Vigie.Agent.Docker;

/// <summary>One container event of <c>GET /events</c>: start, die, destroy or rename, and the container's id.</summary>
internal sealed record DockerEvent(string Action, string ContainerId)
{
    public const string Start = "start";
    public const string Die = "die";
    public const string Destroy = "destroy";
    public const string Rename = "rename";

    /// <summary>The <c>filters</c> parameter that asks for these events only.</summary>
    public const string Filters = """{"type":["container"],"event":["start","die","destroy","rename"]}""";

    /// <summary>Reads one line of the event stream; null for what is not a container event.</summary>
    public static DockerEvent? Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("Action", out var action) || action.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("Actor", out var actor) || actor.ValueKind != JsonValueKind.Object
            || !actor.TryGetProperty("ID", out var id) || id.ValueKind != JsonValueKind.String)
        {
            return null;
        }
        return new DockerEvent(action.GetString()!, id.GetString()!);
    }
}
