namespace Vigie.Agent.Collection;

/// <summary>The name of the machine the agent runs on, as it appears in every line's <c>host</c> field.</summary>
/// <param name="Name">From <c>--hostname</c>, else the Docker host's name, else the machine's.</param>
public sealed record AgentHost(string Name);
