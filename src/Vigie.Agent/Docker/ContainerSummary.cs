namespace Vigie.Agent.Docker;

/// <summary>One entry of <c>GET /containers/json?all=1</c>.</summary>
internal sealed record ContainerSummary(string Id, bool Running);
