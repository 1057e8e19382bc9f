namespace Vigie.Agent.Docker;

/// <summary>What the agent needs of <c>GET /containers/{id}/json</c>.</summary>
/// <param name="Name">The name without Docker's leading <c>/</c>.</param>
/// <param name="Image">The image as the container was created from it (<c>nginx:1.27</c>), not its digest.</param>
/// <param name="Tty">Started with a TTY: its log stream is raw, not multiplexed.</param>
/// <param name="LogDriver">The container's logging driver (<c>json-file</c>, <c>local</c>, ...).</param>
/// <param name="LogPath">The file its driver writes, as the daemon sees it; empty for drivers without one.</param>
internal sealed record ContainerDetails(string Id, string Name, string Image, IReadOnlyDictionary<string, string> Labels, bool Tty, bool Running,
    string LogDriver = "", string LogPath = "");
